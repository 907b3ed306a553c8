//! The bounded queue with OpenTelemetry's batch processor semantics (BatchSpanProcessor,
//! BatchLogRecordProcessor): items wait here until a batch is taken for export; an item that
//! arrives while the queue is full is dropped and counted, so memory is bounded by
//! `maxQueueSize` items and [`BYTES_PER_QUEUE_SLOT`] encoded bytes per item on average (4 MiB at
//! the default 2048) whatever the app does: a few huge spans must not take what 2048 ordinary
//! ones would. One queue per signal (spans, log records).
//!
//! Timing (the scheduled delay, export timeout, page-hide flush) is driven from JS, which
//! compares the queue length with the batch size after each ingest.
//!
//! Past 400 lines because of its tests (half the file): ordering, blocks, scopes and bounds.

use crate::ingest::proto_writer::{framed_len, ProtoWriter};
use crate::ingest::record_reader::{Scope, ScopeKey, ScopeToken};
#[allow(unused_imports)]
use crate::prelude::*;
use alloc::collections::VecDeque;

/// The repeated field items go in: `ScopeSpans.spans`, `ScopeLogs.log_records` and
/// `ScopeMetrics.metrics` are all field 2.
pub const ITEM_FIELD: u32 = 2;

/// Encoded items (spans, log records) waiting for export, each already framed as an entry of
/// [`ITEM_FIELD`] (key, length, content): queueing an item is one copy with no allocation of its
/// own, and a request embeds runs of them as they are.
///
/// The bytes lie back to back in blocks of [`BLOCK_BYTES`] (an item never straddles two), not in
/// one growing buffer: a buffer that doubles leaves the sizes it outgrew behind in WASM memory,
/// which never shrinks (a burst of 10,000 spans grew it to 9 MB that way), while blocks are
/// reused as batches leave.
#[derive(Debug)]
pub struct BatchQueue {
    blocks: VecDeque<Vec<u8>>,
    /// Where the oldest item starts in the first block (what is before it was taken already).
    head: usize,
    /// An emptied block kept for the next one needed.
    spare: Option<Vec<u8>>,
    /// Per item, oldest first: the index of its scope in `scopes`, and its framed length.
    items: VecDeque<(u32, u32)>,
    /// Distinct instrumentation scopes seen (tracers, loggers), so an item stores a number, not two strings.
    scopes: Vec<ScopeKey>,
    /// The last scope pushed under a token, and its index: the next item usually has it too.
    last_scope: Option<(ScopeToken, u32)>,
    max_queue_size: usize,
    max_export_batch_size: usize,
    max_queue_bytes: usize,
    /// Framed bytes of the queued items.
    queued_bytes: usize,
    /// The scope list is compacted (scopes no queued item refers to are forgotten) when it
    /// reaches this length; see [`BatchQueue::scope_index`].
    compact_scopes_at: usize,
}

/// Why [`BatchQueue::push`] refused an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The queue holds `maxQueueSize` items.
    Full,
    /// The item would take the queue past its byte bound ([`BatchQueue::max_queue_bytes`]).
    OverBytes,
}

/// A queue holds at most `maxQueueSize` times this many encoded bytes: 4 MiB at the default
/// 2048, several times what ordinary spans (a few hundred bytes) take, so only unusually large
/// items ever meet it; a larger `maxQueueSize` gets room in proportion.
/// Must equal BYTES_PER_QUEUE_SLOT in js/export/batch_pipeline.ts.
pub const BYTES_PER_QUEUE_SLOT: usize = 2048;

/// The queue's unit of memory: a few hundred spans. A larger item gets a block of its own size.
pub const BLOCK_BYTES: usize = 64 * 1024;

/// The scope list is compacted once it holds this many distinct tracers (or loggers): a guard
/// against an app that names tracers dynamically. Each item keeps its own scope whatever the
/// count: after a compaction the list holds at most one scope per queued item.
const MAX_SCOPES: usize = 256;

/// One export's worth of items, with the scopes they refer to (metric collections are built as
/// one too, with [`Batch::push`]).
#[derive(Debug, Default)]
pub struct Batch {
    /// The items' framed bytes, back to back, in the order of `items`.
    pub bytes: Vec<u8>,
    /// Per item: its scope's index in `scopes`, and its framed length in `bytes`.
    pub items: Vec<(u32, u32)>,
    pub scopes: Vec<ScopeKey>,
}

impl Batch {
    /// Appends an item (the content of its message) under `scope`, framed as the queue frames it.
    pub fn push(&mut self, scope: u32, content: &[u8]) {
        let len = append_framed(&mut self.bytes, content);
        self.items.push((scope, len));
    }
}

#[cfg(test)]
impl Batch {
    /// Each item's scope and content (its framing taken off), for tests to decode.
    pub fn contents(&self) -> Vec<(u32, &[u8])> {
        let mut at = 0;
        self.items
            .iter()
            .map(|&(scope, len)| {
                let item = &self.bytes[at..at + len as usize];
                at += len as usize;
                assert_eq!(item[0], (ITEM_FIELD << 3 | 2) as u8, "framed as the item field");
                // The key is one byte; the length a varint.
                let mut i = 1;
                while item[i] & 0x80 != 0 {
                    i += 1;
                }
                (scope, &item[i + 1..])
            })
            .collect()
    }
}

/// Appends `content` as an entry of [`ITEM_FIELD`]; returns the framed length.
fn append_framed(bytes: &mut Vec<u8>, content: &[u8]) -> u32 {
    let start = bytes.len();
    let mut w = ProtoWriter { buf: core::mem::take(bytes) };
    w.bytes_always(ITEM_FIELD, content);
    *bytes = w.buf;
    (bytes.len() - start) as u32
}

impl BatchQueue {
    /// Limits validated in JS (js/config/schema.ts: `batch`, `logBatch`); at least 1 each here too.
    pub fn new(max_queue_size: u32, max_export_batch_size: u32) -> Self {
        let (max_queue_size, max_export_batch_size) = (max_queue_size.max(1) as usize, max_export_batch_size.max(1) as usize);
        BatchQueue {
            blocks: VecDeque::new(),
            head: 0,
            spare: None,
            items: VecDeque::new(),
            scopes: Vec::new(),
            last_scope: None,
            max_queue_size,
            max_export_batch_size,
            max_queue_bytes: max_queue_size.saturating_mul(BYTES_PER_QUEUE_SLOT),
            queued_bytes: 0,
            compact_scopes_at: MAX_SCOPES,
        }
    }

    /// Queues a copy of an item (the content of its message) under its instrumentation scope;
    /// refuses (and so drops) it when the queue is full, by count or by bytes.
    pub fn push(&mut self, scope: Scope<'_>, content: &[u8]) -> Result<(), Refused> {
        if self.items.len() >= self.max_queue_size {
            return Err(Refused::Full);
        }
        let framed = framed_len(ITEM_FIELD, content.len());
        if self.queued_bytes + framed > self.max_queue_bytes {
            return Err(Refused::OverBytes);
        }
        let index = match (scope.token, self.last_scope) {
            (Some(token), Some((last, index))) if token == last => index,
            _ => {
                let index = self.scope_index(scope.name, scope.version);
                self.last_scope = scope.token.map(|token| (token, index));
                index
            }
        };
        if self.blocks.back().is_none_or(|block| block.capacity() - block.len() < framed) {
            let block = match self.spare.take() {
                Some(block) if block.capacity() >= framed => block,
                _ => Vec::with_capacity(framed.max(BLOCK_BYTES)),
            };
            self.blocks.push_back(block);
        }
        let block = self.blocks.back_mut().expect("a block with room was just ensured");
        let len = append_framed(block, content);
        debug_assert_eq!(len as usize, framed);
        self.items.push_back((index, len));
        self.queued_bytes += framed;
        Ok(())
    }

    fn scope_index(&mut self, name: &[u8], version: &[u8]) -> u32 {
        if let Some(i) = self.scopes.iter().position(|s| s.name == name && s.version == version) {
            return i as u32;
        }
        if self.scopes.len() >= self.compact_scopes_at {
            self.compact_scopes();
        }
        self.scopes.push(ScopeKey { name: name.to_vec(), version: version.to_vec() });
        (self.scopes.len() - 1) as u32
    }

    /// Forgets the scopes no queued item refers to and renumbers the items' scope indices. The
    /// next compaction waits until the list has doubled, so pushes stay amortised O(1) even
    /// when every queued item has a scope of its own.
    fn compact_scopes(&mut self) {
        let mut renumbered = vec![u32::MAX; self.scopes.len()];
        let mut kept = Vec::new();
        for (scope, _) in self.items.iter_mut() {
            let old = *scope as usize;
            if renumbered[old] == u32::MAX {
                renumbered[old] = kept.len() as u32;
                kept.push(self.scopes[old].clone());
            }
            *scope = renumbered[old];
        }
        self.scopes = kept;
        self.last_scope = None;
        self.compact_scopes_at = MAX_SCOPES.max(2 * self.scopes.len());
    }

    /// The most encoded bytes this queue holds: `maxQueueSize` × [`BYTES_PER_QUEUE_SLOT`].
    pub fn max_queue_bytes(&self) -> usize {
        self.max_queue_bytes
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A full batch is waiting: export now rather than at the next scheduled tick.
    pub fn wants_export(&self) -> bool {
        self.items.len() >= self.max_export_batch_size
    }

    /// Removes up to `maxExportBatchSize` items, oldest first.
    pub fn take_batch(&mut self) -> Batch {
        let n = self.items.len().min(self.max_export_batch_size);
        // pop_front rather than drain(..n): VecDeque's Drain and its drop were 0.8 KB of the .wasm.
        let mut items = Vec::with_capacity(n);
        items.extend((0..n).map_while(|_| self.items.pop_front()));
        let mut remaining: usize = items.iter().map(|&(_, len)| len as usize).sum();
        self.queued_bytes -= remaining;
        let mut bytes = Vec::with_capacity(remaining);
        while remaining > 0 {
            let block = &self.blocks[0];
            // Items never straddle blocks, so the batch's bytes in this block run to its end
            // or to the batch's end.
            let run = (block.len() - self.head).min(remaining);
            bytes.extend_from_slice(&block[self.head..self.head + run]);
            self.head += run;
            remaining -= run;
            if self.head == block.len() {
                let mut emptied = self.blocks.pop_front().expect("the block just read");
                self.head = 0;
                if emptied.capacity() == BLOCK_BYTES && self.spare.is_none() {
                    emptied.clear();
                    self.spare = Some(emptied);
                }
            }
        }
        if self.items.is_empty() {
            // Nothing refers to old scopes any more; start afresh so the list cannot grow forever.
            self.last_scope = None;
            self.compact_scopes_at = MAX_SCOPES;
            return Batch { bytes, items, scopes: core::mem::take(&mut self.scopes) };
        }
        Batch { bytes, items, scopes: self.scopes.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::record_reader::{ScopeRef, StrRef};
    use crate::ingest::string_table::StringTable;

    fn push(q: &mut BatchQueue, name: &str, scope: &str) -> bool {
        q.push(Scope { name: scope.as_bytes(), version: b"", token: None }, name.as_bytes()).is_ok()
    }

    /// The batch's items as the strings they were pushed as.
    fn names(b: &Batch) -> Vec<String> {
        b.contents().into_iter().map(|(_, content)| String::from_utf8(content.to_vec()).unwrap()).collect()
    }

    fn queue(max_queue_size: u32, max_export_batch_size: u32) -> BatchQueue {
        BatchQueue::new(max_queue_size, max_export_batch_size)
    }

    #[test]
    fn drops_beyond_the_queue_limit() {
        let mut q = queue(3, 2);
        let accepted: Vec<bool> = (0..5).map(|i| push(&mut q, &i.to_string(), "s")).collect();
        assert_eq!(accepted, [true, true, true, false, false]);
        assert_eq!(q.len(), 3);
    }

    #[test]
    fn batches_are_bounded_and_in_order() {
        let mut q = queue(10, 4);
        for i in 0..6 {
            push(&mut q, &i.to_string(), if i % 2 == 0 { "a" } else { "b" });
        }
        assert!(q.wants_export());
        let b1 = q.take_batch();
        assert_eq!(names(&b1), ["0", "1", "2", "3"]);
        assert_eq!(b1.scopes.iter().map(|s| s.name.as_slice()).collect::<Vec<_>>(), [b"a", b"b"]);
        assert_eq!(b1.items.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [0, 1, 0, 1]);
        assert!(!q.wants_export());
        let b2 = q.take_batch();
        assert_eq!(b2.items.len(), 2);
        assert!(q.is_empty());
        assert!(q.take_batch().items.is_empty());
    }

    #[test]
    fn items_stay_whole_and_in_order_across_partial_takes() {
        let mut q = queue(100, 3);
        let mut expected = Vec::new();
        let mut taken = Vec::new();
        for round in 0..20 {
            // Items of different lengths, pushed between partial takes.
            for i in 0..4 {
                let name = format!("{round}-{i}-{}", "x".repeat(i * 7));
                push(&mut q, &name, "s");
                expected.push(name);
            }
            taken.extend(names(&q.take_batch()));
        }
        while !q.is_empty() {
            taken.extend(names(&q.take_batch()));
        }
        assert_eq!(taken, expected);
        assert_eq!((q.blocks.len(), q.head), (0, 0), "an emptied queue holds no block");
    }

    #[test]
    fn items_of_any_size_cross_many_blocks_whole_and_memory_follows_the_queue() {
        let mut q = queue(1000, 7);
        let mut expected = Vec::new();
        let mut taken = Vec::new();
        for round in 0..30 {
            // 9 KB items fill a block after seven; every fifth round adds one bigger than a block.
            for i in 0..5 {
                let size = if i == 2 && round % 5 == 0 { BLOCK_BYTES + 1000 } else { 9_000 + i * 37 };
                let name = format!("{round:02}-{i}-{}", "x".repeat(size));
                assert!(push(&mut q, &name, "s"));
                expected.push(name);
            }
            taken.extend(names(&q.take_batch()));
            let queued: usize = q.items.iter().map(|&(_, len)| len as usize).sum();
            let held: usize = q.blocks.iter().map(Vec::capacity).sum();
            assert!(held <= queued + 2 * (BLOCK_BYTES + 1100), "{held} bytes held for {queued} queued");
        }
        while !q.is_empty() {
            taken.extend(names(&q.take_batch()));
        }
        assert_eq!(taken.len(), expected.len());
        assert!(taken == expected, "items came out changed or out of order");
        assert_eq!((q.blocks.len(), q.head), (0, 0), "an emptied queue holds no block");
        assert!(q.spare.as_ref().is_some_and(|b| b.is_empty() && b.capacity() == BLOCK_BYTES), "one block kept for reuse");
    }

    #[test]
    fn scope_tokens_skip_the_lookup_but_never_outlive_the_scope_list_or_the_strings() {
        let mut strings = StringTable::default();
        let define = |strings: &mut StringTable, names: [&str; 4]| {
            strings.reset();
            for s in names {
                strings.define(s.into()).unwrap();
            }
        };
        // As the decoders read scopes: both strings interned, so each carries a token.
        let push = |q: &mut BatchQueue, strings: &StringTable, name: u32, version: u32| {
            let scope = ScopeRef { name: StrRef::Interned(name), version: StrRef::Interned(version) }.resolve(strings);
            assert!(scope.token.is_some());
            q.push(scope, b"x").is_ok()
        };
        let scopes = |b: &Batch| {
            b.scopes.iter().map(|s| format!("{}/{}", String::from_utf8_lossy(&s.name), String::from_utf8_lossy(&s.version))).collect::<Vec<_>>()
        };
        let indices = |b: &Batch| b.items.iter().map(|(s, _)| *s).collect::<Vec<_>>();
        let mut q = queue(100, 100);

        define(&mut strings, ["a", "1", "b", "2"]);
        let unversioned = ScopeRef { name: StrRef::Interned(0), version: StrRef::Chunk(b"") }.resolve(&strings);
        assert!(unversioned.token.is_some(), "an empty version is as good as an interned one");
        let inline = ScopeRef { name: StrRef::Chunk(b"a"), version: StrRef::Chunk(b"") }.resolve(&strings);
        assert!(inline.token.is_none(), "a string written inline has no number");
        push(&mut q, &strings, 0, 1);
        push(&mut q, &strings, 2, 3);
        push(&mut q, &strings, 0, 1);
        let batch = q.take_batch();
        assert_eq!((indices(&batch), scopes(&batch)), (vec![0, 1, 0], vec!["a/1".into(), "b/2".into()]));

        // The list starts afresh after a whole take: "a" is no longer index 0.
        push(&mut q, &strings, 2, 3);
        push(&mut q, &strings, 0, 1);
        // The table was reset and the same numbers now name other strings.
        define(&mut strings, ["b", "2", "c", "3"]);
        push(&mut q, &strings, 0, 1);
        push(&mut q, &strings, 2, 3);
        let batch = q.take_batch();
        assert_eq!((indices(&batch), scopes(&batch)), (vec![0, 1, 0, 2], vec!["b/2".into(), "a/1".into(), "c/3".into()]));
    }

    #[test]
    fn every_item_keeps_its_own_scope_past_the_compaction_threshold() {
        // 300 tracers, one span each, all queued at once: none may borrow another's scope.
        let mut q = queue(10_000, 10_000);
        let n = MAX_SCOPES + 44;
        for i in 0..n {
            assert!(push(&mut q, &format!("span-{i}"), &format!("tracer-{i}")));
        }
        let batch = q.take_batch();
        assert_eq!(batch.items.len(), n);
        for (i, &(scope, _)) in batch.items.iter().enumerate() {
            assert_eq!(batch.scopes[scope as usize].name, format!("tracer-{i}").into_bytes(), "item {i}");
        }
    }

    #[test]
    fn scope_list_stays_bounded_by_what_is_queued() {
        // Endless new tracers while the queue never empties: old scopes are forgotten once no
        // item refers to them, and each item still carries its own.
        let mut q = queue(10_000, 10);
        let mut expected = Vec::new();
        let mut taken = Vec::new();
        for i in 0..5_000 {
            assert!(push(&mut q, &format!("{i}"), &format!("tracer-{i}")));
            expected.push(format!("tracer-{i}").into_bytes());
            if q.len() > 20 {
                let batch = q.take_batch();
                taken.extend(batch.items.iter().map(|&(s, _)| batch.scopes[s as usize].name.clone()));
            }
            assert!(q.scopes.len() <= 2 * MAX_SCOPES.max(q.len()), "{} scopes for {} items", q.scopes.len(), q.len());
        }
        while !q.is_empty() {
            let batch = q.take_batch();
            taken.extend(batch.items.iter().map(|&(s, _)| batch.scopes[s as usize].name.clone()));
        }
        assert_eq!(taken, expected);
    }

    #[test]
    fn queued_bytes_are_bounded() {
        let mut q = queue(2048, 10_000);
        assert_eq!(q.max_queue_bytes(), 4 * 1024 * 1024, "4 MiB at the default queue size");
        let big = "x".repeat(1024 * 1024);
        let accepted = (0..6).filter(|_| push(&mut q, &big, "s")).count();
        assert_eq!(accepted, 3, "three 1 MiB items fit under 4 MiB, the fourth does not");
        assert_eq!(q.push(Scope { name: b"s", version: b"", token: None }, big.as_bytes()), Err(Refused::OverBytes));
        assert!(push(&mut q, "small", "s"), "small items still fit beside them");
        q.take_batch();
        assert_eq!(q.queued_bytes, 0);
        assert!(push(&mut q, &big, "s"), "room again once a batch left");
    }
}
