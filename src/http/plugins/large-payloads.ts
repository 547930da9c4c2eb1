import type { OnSendStep } from './on-send.ts';

/** Below this many characters a string answer is written as it is. */
const ENCODE_FROM_CHARS = 16 * 1024;

/**
 * Comment pages are 100+ KB of JSON, much of it CJK text, which V8 holds as a two-byte string (twice the
 * bytes) in its large-object space. A string still being written to a slow socket when a scavenge runs
 * is promoted to the old generation and stays until the next full GC; under load at 64 connections that
 * alone grew the process by over 100 MB. Encoding a large answer to a Buffer right away leaves the string
 * dead while it is young; the Buffer's memory is external, which V8 counts towards its next collection,
 * and Fastify takes Content-Length from the Buffer instead of scanning the string once more.
 */
export const encodeLargePayload: OnSendStep = (_reply, payload) =>
  typeof payload === 'string' && payload.length >= ENCODE_FROM_CHARS ? Buffer.from(payload, 'utf8') : payload;
