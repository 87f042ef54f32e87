export const SCHEMA_ZH: Record<string, string> = {};
