//! The mirror of the JS layer's string intern table. JS sends a repeated string (a span name,
//! an attribute key) once, marked "define", and then refers to it by number, so hot strings are
//! UTF-8 encoded and copied across the boundary once, not once per span.
//!
//! Strings are kept as the bytes JS wrote (TextEncoder's UTF-8, valid by construction) and only
//! ever copied into protobuf `string` fields, never read as `str`: validating them again here was
//! `core::str::from_utf8` on every inline string (686 B of `.wasm`), and no Rust code depends on it.

use alloc::vec::Vec;
/// Must equal `MAX_INTERNED_STRINGS` in js/wire/record_writer.ts: JS resets both tables when full,
/// so memory stays bounded whatever names the app invents.
pub const MAX_INTERNED_STRINGS: usize = 4096;

#[derive(Default, Debug)]
pub struct StringTable {
    strings: Vec<Vec<u8>>,
    /// Counts resets: a string number means the same string for as long as this is unchanged.
    generation: u64,
}

impl StringTable {
    /// The new string's number is the table's length, as on the JS side.
    pub fn define(&mut self, value: Vec<u8>) -> Result<(), &'static str> {
        if self.strings.len() >= MAX_INTERNED_STRINGS {
            return Err("string table overflow");
        }
        self.strings.push(value);
        Ok(())
    }

    pub fn reset(&mut self) {
        self.strings.clear();
        self.generation += 1;
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn get(&self, id: u32) -> Option<&[u8]> {
        self.strings.get(id as usize).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}
