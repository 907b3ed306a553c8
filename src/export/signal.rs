//! The three signals, numbered as the JS layer names them when it calls the core
//! (js/export/signals.ts).

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    Traces = 0,
    Metrics = 1,
    Logs = 2,
}

impl Signal {
    pub fn from_u8(v: u8) -> Option<Self> {
        [Signal::Traces, Signal::Metrics, Signal::Logs].get(v as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_as_in_js() {
        assert_eq!(Signal::from_u8(0), Some(Signal::Traces));
        assert_eq!(Signal::from_u8(2), Some(Signal::Logs));
        assert_eq!(Signal::from_u8(3), None);
    }
}
