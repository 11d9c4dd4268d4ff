import type { ConfigKey, ConfigValue, LoadedConfig } from './load.js';

type Source = 'default' | 'flag' | string; // a config file path

interface Setting<T> {
  value: T;
  source: Source;
}

/**
 * Flags override config, config overrides defaults; every value remembers
 * where it came from (`smtpeter-sim config` prints that).
 */
export class Settings {
  constructor(
    private readonly flags: Partial<Record<ConfigKey, ConfigValue | undefined>>,
    private readonly config: LoadedConfig,
  ) {}

  get<T extends ConfigValue>(key: ConfigKey, fallback?: T): Setting<T> | undefined {
    const flag = this.flags[key];
    if (flag !== undefined) return { value: flag as T, source: 'flag' };
    const fromConfig = this.config.values[key];
    if (fromConfig !== undefined) return { value: fromConfig as T, source: this.config.filepath ?? 'config' };
    if (fallback !== undefined) return { value: fallback, source: 'default' };
    return undefined;
  }

  value<T extends ConfigValue>(key: ConfigKey, fallback?: T): T | undefined {
    return this.get<T>(key, fallback)?.value;
  }
}
