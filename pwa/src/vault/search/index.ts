export { normaliseText } from './normalise-text.ts';
export { parseQuery, parseDateBounds, QueryError } from './parse-query.ts';
export type { SearchQuery } from './parse-query.ts';
export { SearchIndex, groupByPatient } from './search-index.ts';
export type { PatientGroup } from './search-index.ts';
export type { StudyEntry, PersonName } from './study-entry.ts';
