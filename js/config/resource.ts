/**
 * The OTLP Resource that describes this page: the app's service, this SDK, and the browser facts
 * a RUM user expects to group by. Built once, from validated settings, as one attribute set the
 * core transcodes into the Resource message every request embeds (src/resource.rs).
 */

import type { AttributeList } from '../trace/attributes.js';
import type { Settings } from './schema.js';
import type { ResourceValue } from './attributes.js';

export const SDK_NAME = 'greptime-web-telemetry';
/** `telemetry.sdk.version`: the package version (Cargo.toml's; a test keeps them equal). */
export const SDK_VERSION = '0.1.0';

/** Facts read from the browser at init (empty when unknown, e.g. in a worker). */
export interface BrowserFacts {
  userAgent: string;
  language: string;
  /** `location.href`; its query and fragment are left out (they often carry tokens or personal data). */
  pageUrl: string;
  /**
   * `service.instance.id`: a random UUID per SDK instance (page view). Without it every
   * visitor's metric points share one series in GreptimeDB, which keeps only `service.*`,
   * `cloud.*`, `k8s.*`, `deployment.environment*` and `container.name` of the resource as tags
   * and copies this one to `instance`. The app can set its own in `resourceAttributes`.
   */
  instanceId: string;
}

/**
 * `service.name` first (GreptimeDB falls back to the first resource attribute without it), then
 * the SDK and browser facts (empty ones left out), then the app's own attributes, which replace
 * ours (`service.instance.id` included) except `service.name`/`service.version`: those have
 * their own settings, and letting both set them would make it unclear which one wins.
 */
export function resourceAttributes(settings: Settings, facts: BrowserFacts): AttributeList {
  const list: AttributeList = { keys: [], values: [], dropped: 0, chars: 0 };
  const put = (key: string, value: ResourceValue) => {
    const i = list.keys.indexOf(key);
    if (i >= 0) {
      list.keys.splice(i, 1);
      list.values.splice(i, 1);
    }
    list.keys.push(key);
    list.values.push(value);
  };
  const fact = (key: string, value: string | undefined) => {
    if (value) put(key, value);
  };
  fact('service.name', settings.serviceName);
  fact('service.version', settings.serviceVersion);
  fact('service.instance.id', facts.instanceId);
  fact('telemetry.sdk.name', SDK_NAME);
  fact('telemetry.sdk.language', 'webjs');
  fact('telemetry.sdk.version', SDK_VERSION);
  fact('user_agent.original', facts.userAgent);
  fact('browser.language', facts.language);
  fact('page.url', facts.pageUrl.split(/[?#]/)[0]);
  for (const [key, value] of settings.resourceAttributes) {
    if (key !== 'service.name' && key !== 'service.version') put(key, value);
  }
  return list;
}
