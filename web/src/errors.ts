// The English texts sit beside the typed client, so the command line says what the pages say.
export { describeError } from '../../src/client/error-words.ts';
