/** JSON Schema subset used for plugin configuration: enough to generate a form and validate input. */
export interface ConfigSchema {
  type: 'object';
  properties: Record<string, ConfigProperty>;
  required?: string[];
  additionalProperties?: false;
}

export interface ConfigProperty {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  /** French label shown in the generated form. */
  title: string;
  description?: string;
  enum?: (string | number)[];
  default?: unknown;
  format?: 'uri' | 'uri-template' | 'textarea' | 'sql' | 'formula';
  minimum?: number;
  maximum?: number;
  items?: ConfigProperty;
  properties?: Record<string, ConfigProperty>;
  required?: string[];
  additionalProperties?: boolean | ConfigProperty;
}

export type Capability = 'fetch' | 'health-check' | 'list-indicators' | 'file-input' | 'reads-values';
export type Granularity = 'year' | 'quarter';
export type TerritoryScope = 'country' | 'region' | 'department';

/** The static manifest, under the `capIae` key of the plugin's package.json; read and checked before any code loads. */
export interface PluginManifest {
  id: string;
  /** French display name. */
  name: string;
  description: string;
  version: string;
  contractVersion: number;
  /** Semver range of the SDK the plugin was written for, e.g. `^1.0.0`. */
  sdk: string;
  /** Entry module, relative to the package folder (TypeScript source; the host loads the compiled file in production). */
  main: string;
  capabilities: Capability[];
  /** Indicator codes it can fill, or `*` when the configuration decides (files, formulas, queries). */
  indicators: string[] | '*';
  territories: TerritoryScope[];
  granularity: Granularity[];
  configSchema: ConfigSchema;
  /** Names of secrets the configuration refers to; values come from the host's environment, never from the database. */
  secrets: string[];
  /** Five-field cron expression; absent for sources run by hand (uploads). */
  defaultSchedule?: string;
  timeoutSeconds: number;
}

/** One value a plugin produces; the host validates it again like any other write. */
export interface SourceRecord {
  indicator: string;
  /** Territory code: `REG-11`, `DEP-93`, `FR`. */
  territory: string;
  /** `2021` or `2021-T3`. */
  period: string;
  dimensions?: Record<string, string>;
  value?: number | null;
  numerator?: number | null;
  denominator?: number | null;
  status?: 'provisional' | 'validated';
  /** Where in the source this value comes from (file line, URL, query), shown as its provenance. */
  sourceRef?: string;
  /** Line or item number in the input, for reports. */
  line?: number;
}

export interface PluginWarning {
  line?: number;
  column?: string;
  message: string;
}

export interface RecordBatch {
  records: SourceRecord[];
  warnings: PluginWarning[];
}

/** Observation values handed to plugins that declare `reads-values` (the host reads them; plugins never see the database). */
export interface KnownValue {
  indicator: string;
  territory: string;
  period: string;
  dimensions: Record<string, string>;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export interface FetchRequest {
  /** Limits asked by the caller; a plugin may ignore what does not apply to it. */
  indicators?: string[];
  territories?: string[];
  periodFrom?: string;
  periodTo?: string;
  /** For `file-input` plugins: the uploaded file, on local disk. */
  file?: { path: string; originalName: string };
  /** For `reads-values` plugins: the values of the inputs they declared through `inputsOf`. */
  values?: KnownValue[];
}

export interface PluginLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PluginContext<Config> {
  config: Config;
  secrets: Readonly<Record<string, string>>;
  logger: PluginLogger;
  /** Aborted when the run exceeds its time or is cancelled: pass it to every I/O call. */
  signal: AbortSignal;
  /** The host's fetch: same as the global one, bound to the run's signal and timeout. */
  fetch: typeof fetch;
  /** Optional progress report (rows done, total if known) shown to the person waiting. */
  progress(done: number, total?: number): void;
}

export type FetchOutput = AsyncIterable<RecordBatch> | Promise<RecordBatch> | RecordBatch;

export interface HealthResult {
  ok: boolean;
  message: string;
}

export interface PluginDefinition<Config = Record<string, unknown>> {
  /** Turns the raw configuration (already checked against the manifest's schema) into the plugin's own type, or throws PluginError('CONFIG_INVALID'). */
  parseConfig?(raw: Record<string, unknown>): Config;
  fetchValues(request: FetchRequest, context: PluginContext<Config>): FetchOutput;
  healthCheck?(context: PluginContext<Config>): Promise<HealthResult>;
  listIndicators?(context: PluginContext<Config>): Promise<string[]>;
  /** For `reads-values` plugins: which indicators' values the host must pass in `request.values`. */
  inputsOf?(config: Config): { indicators: string[] };
}

export interface Plugin<Config = Record<string, unknown>> extends PluginDefinition<Config> {
  readonly __capIaePlugin: true;
  readonly sdkVersion: string;
  readonly contractVersion: number;
}
