// The av ↔ BV conversion is part of what a client needs (pages link both forms); one algorithm, the domain's.
export { av2bv, bv2av, isValidAid } from '../domain/bvid.ts';
