//! `rum`: the browser signals the SDK records by itself (issue 14). Validated here like every
//! other setting; JS reads the result through `TelemetryCore::rum_settings` and loads each enabled
//! signal's module on demand (js/rum/index.ts).
//!
//! Shape: `rum: false | { session, documentLoad, resourceTiming, navigation, webVitals,
//! longAnimationFrames, userActions }`, each `boolean | { …options }`.

use super::{lookup, RawValue, Validator};

pub const DEFAULT_SESSION_INACTIVITY_MILLIS: u32 = 15 * 60_000;
pub const DEFAULT_SESSION_MAX_DURATION_MILLIS: u32 = 4 * 3_600_000;

const RUM_KEYS: &[&str] = &["session", "documentLoad", "resourceTiming", "navigation", "webVitals", "longAnimationFrames", "userActions"];
const SESSION_KEYS: &[&str] = &["inactivityTimeoutMillis", "maxDurationMillis", "storage", "sampleBySession"];
const NAVIGATION_KEYS: &[&str] = &["includeQuery"];
const NO_KEYS: &[&str] = &[];

#[derive(Clone, Debug, PartialEq)]
pub struct RumConfig {
    pub session: bool,
    pub document_load: bool,
    /// Opt-in: one span per resource is a lot of volume.
    pub resource_timing: bool,
    pub navigation: bool,
    pub web_vitals: bool,
    pub long_animation_frames: bool,
    pub user_actions: bool,
    pub session_inactivity_millis: u32,
    pub session_max_duration_millis: u32,
    /// `sessionStorage` instead of `localStorage`: one session per tab instead of per origin.
    pub session_storage_per_tab: bool,
    /// `sampleRatio` decided once per session (all of a session's traces or none).
    pub sample_by_session: bool,
    /// Keep the query string in navigation `url.full` (default: stripped, it often holds tokens).
    pub navigation_include_query: bool,
}

impl Default for RumConfig {
    fn default() -> Self {
        RumConfig {
            session: true,
            document_load: true,
            resource_timing: false,
            navigation: true,
            web_vitals: true,
            // Engineer G decides this default from the measured volume (issue 14).
            long_animation_frames: true,
            user_actions: true,
            session_inactivity_millis: DEFAULT_SESSION_INACTIVITY_MILLIS,
            session_max_duration_millis: DEFAULT_SESSION_MAX_DURATION_MILLIS,
            session_storage_per_tab: false,
            sample_by_session: false,
            navigation_include_query: false,
        }
    }
}

impl RumConfig {
    /// Everything off (`rum: false`).
    pub fn off() -> Self {
        RumConfig {
            session: false,
            document_load: false,
            resource_timing: false,
            navigation: false,
            web_vitals: false,
            long_animation_frames: false,
            user_actions: false,
            ..Default::default()
        }
    }
}

impl Validator {
    pub(super) fn rum(&mut self, raw: &RawValue) -> RumConfig {
        let mut out = RumConfig::default();
        let entries = match raw {
            RawValue::Missing | RawValue::Bool(true) => return out,
            RawValue::Bool(false) => return RumConfig::off(),
            other => match self.object("rum", other, "using the defaults") {
                Some(entries) => entries,
                None => return out,
            },
        };
        self.unknown_keys("rum.", entries, RUM_KEYS);
        let get = |k: &str| lookup(entries, k);
        if let Some((on, options)) = self.signal("session", get("session"), out.session, SESSION_KEYS) {
            out.session = on;
            let get = |k: &str| lookup(options, k);
            out.session_inactivity_millis = self.integer(
                "rum.session.inactivityTimeoutMillis",
                get("inactivityTimeoutMillis"),
                1_000,
                7 * 24 * 3_600_000,
                out.session_inactivity_millis,
            );
            out.session_max_duration_millis =
                self.integer("rum.session.maxDurationMillis", get("maxDurationMillis"), 1_000, 30 * 24 * 3_600_000, out.session_max_duration_millis);
            match get("storage") {
                RawValue::Missing => {}
                RawValue::String(s) if s == "localStorage" => {}
                RawValue::String(s) if s == "sessionStorage" => out.session_storage_per_tab = true,
                other => self.warn(format!(
                    "`rum.session.storage` must be \"localStorage\" or \"sessionStorage\", got {}; using localStorage",
                    match other {
                        RawValue::String(s) => format!("\"{s}\""),
                        other => other.type_name().to_owned(),
                    }
                )),
            }
            out.sample_by_session = self.bool("rum.session.sampleBySession", get("sampleBySession")).unwrap_or(false);
        }
        if let Some((on, _)) = self.signal("documentLoad", get("documentLoad"), out.document_load, NO_KEYS) {
            out.document_load = on;
        }
        if let Some((on, _)) = self.signal("resourceTiming", get("resourceTiming"), out.resource_timing, NO_KEYS) {
            out.resource_timing = on;
        }
        if let Some((on, options)) = self.signal("navigation", get("navigation"), out.navigation, NAVIGATION_KEYS) {
            out.navigation = on;
            out.navigation_include_query = self.bool("rum.navigation.includeQuery", lookup(options, "includeQuery")).unwrap_or(false);
        }
        // The options of these three are read by their own modules (js/rum/web_vitals.ts, …);
        // only the on/off shape is checked here. ENGINEER G: list their keys here at merge.
        for (key, flag) in
            [("webVitals", &mut out.web_vitals), ("longAnimationFrames", &mut out.long_animation_frames), ("userActions", &mut out.user_actions)]
        {
            match lookup(entries, key) {
                RawValue::Missing => {}
                RawValue::Bool(b) => *flag = *b,
                RawValue::Object(_) => *flag = true,
                other => self.warn(format!("`rum.{key}` must be a boolean or an object, got {}; using the default", other.type_name())),
            }
        }
        out
    }

    /// A signal's `boolean | { …options }`: `Some((enabled, options))` when set, with the
    /// options' unknown keys reported; `None` when missing or unusable (warned).
    fn signal<'a>(&mut self, key: &str, raw: &'a RawValue, default: bool, known: &[&str]) -> Option<(bool, &'a [(String, RawValue)])> {
        match raw {
            RawValue::Missing => None,
            RawValue::Bool(b) => Some((*b, &[])),
            RawValue::Object(entries) => {
                self.unknown_keys(&format!("rum.{key}."), entries, known);
                Some((true, entries))
            }
            other => {
                let default = if default { "on" } else { "off" };
                self.warn(format!("`rum.{key}` must be a boolean or an object, got {}; using the default ({default})", other.type_name()));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    fn rum_of(rum: RawValue) -> (RumConfig, Vec<String>) {
        let report =
            parse(&RawValue::object([("endpoint", RawValue::str("http://localhost:4000")), ("serviceName", RawValue::str("s")), ("rum", rum)]));
        (report.config.unwrap().rum, report.warnings)
    }

    #[test]
    fn defaults_and_off() {
        assert_eq!(rum_of(RawValue::Missing), (RumConfig::default(), vec![]));
        assert_eq!(rum_of(RawValue::Bool(false)).0, RumConfig::off());
        let d = RumConfig::default();
        assert!(d.session && d.document_load && d.navigation && !d.resource_timing);
        assert_eq!((d.session_inactivity_millis, d.session_max_duration_millis), (900_000, 14_400_000));
    }

    #[test]
    fn options_are_read_and_bad_ones_warned() {
        let (rum, warnings) = rum_of(RawValue::object([
            (
                "session",
                RawValue::object([
                    ("inactivityTimeoutMillis", RawValue::Number(2000.0)),
                    ("maxDurationMillis", RawValue::Number(5.0)),
                    ("storage", RawValue::str("sessionStorage")),
                    ("sampleBySession", RawValue::Bool(true)),
                    ("idleTimeout", RawValue::Number(1.0)),
                ]),
            ),
            ("resourceTiming", RawValue::Bool(true)),
            ("navigation", RawValue::object([("includeQuery", RawValue::Bool(true))])),
            ("webVitals", RawValue::object([("reportAllChanges", RawValue::Bool(true))])),
            ("userActions", RawValue::Bool(false)),
            ("longAnimationFrames", RawValue::Number(1.0)),
            ("documentLoads", RawValue::Bool(false)),
        ]));
        assert_eq!(rum.session_inactivity_millis, 2000);
        assert_eq!(rum.session_max_duration_millis, DEFAULT_SESSION_MAX_DURATION_MILLIS);
        assert!(rum.session_storage_per_tab && rum.sample_by_session && rum.resource_timing && rum.navigation_include_query);
        assert!(rum.web_vitals && !rum.user_actions && rum.long_animation_frames && rum.document_load);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings[0].contains("`rum.documentLoads`") && warnings[0].contains("did you mean `rum.documentLoad`"), "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("`rum.session.idleTimeout`")));
        assert!(warnings.iter().any(|w| w.contains("`rum.session.maxDurationMillis` must be a whole number from 1000")));
        assert!(warnings.iter().any(|w| w.contains("`rum.longAnimationFrames` must be a boolean or an object")));
    }

    #[test]
    fn a_non_object_warns_and_keeps_the_defaults() {
        let (rum, warnings) = rum_of(RawValue::str("yes"));
        assert_eq!(rum, RumConfig::default());
        assert_eq!(warnings, vec!["`rum` must be an object, got string; using the defaults".to_string()]);
    }
}
