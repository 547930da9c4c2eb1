// The words for API error codes come from the interface's catalogue (web/src/i18n): English is the table
// the command line prints too (src/client/error-words.ts), Chinese its translation; the code is always shown.
export { describeError } from './i18n/index.ts';
