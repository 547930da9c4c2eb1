import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_CORE, pinned } from './processes.ts';

/**
 * One HTTP request the load generator sends. `{n}` anywhere in the path or body is replaced by a token
 * unique within the whole bench run (a comment text must not repeat, or the duplicate rule answers 12051).
 */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  /** Average size of an answer on the wire, headers included. */
  bytesPerAnswer: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not HTTP 200 with the scenario's success prefix, plus socket errors and timeouts. */
  failures: number;
  /** The first failing body, to say why. */
  firstFailure: string;
}

export interface LoadOptions {
  baseUrl: string;
  requests: readonly RequestSpec[];
  /** A successful answer's body starts with this, e.g. `{"code":0,`. */
  okPrefix: string;
  connections: number;
  durationS: number;
  /** Distinguishes the `{n}` tokens of this load run from every other one. */
  tag: string;
  /**
   * Paced load: the connections together send this many requests a second on a fixed schedule, one slot
   * every 1000 / rateRps ms whatever the answers' latency (wrk's `delay()`, timed by the monotonic clock
   * through LuaJIT's FFI). A request whose slot has passed goes as soon as a connection is free, so a
   * server that fell behind gets what it missed once it answers again. Two servers offered one rate thus
   * answer the same number of requests (a fixed pause after each answer, as before, offered the slower
   * server fewer: smaller group commits, dearer answers). Without it: as fast as answered.
   */
  rateRps?: number;
  workDir: string;
}

/** Debian's wrk; installed on first use when missing (apt-get needs root and the package mirror). */
export function ensureWrk(log: (line: string) => void): string {
  const found = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  log('wrk not found: installing it with apt-get (Debian package "wrk")');
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk'],
    { stdio: 'inherit' },
  );
  const again = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).stdout.trim();
  if (install.status !== 0 || !again) {
    throw new Error('wrk is required: apt-get install wrk (it could not be installed automatically)');
  }
  return again;
}

/** Lua string literal for arbitrary bytes (wrk's LuaJIT takes \ddd decimal escapes). */
function luaString(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte}`;
  }
  return `${out}"`;
}

function luaRequest(spec: RequestSpec): string {
  const headers = Object.entries(spec.headers ?? {})
    .map(([k, v]) => `[${luaString(k)}]=${luaString(v)}`)
    .join(',');
  const dynamic = spec.path.includes('{n}') || (spec.body ?? '').includes('{n}');
  return `{m=${luaString(spec.method)},p=${luaString(spec.path)},h={${headers}},b=${
    spec.body === undefined ? 'nil' : luaString(spec.body)
  },d=${dynamic ? 'true' : 'false'}}`;
}

/**
 * The wrk script: cycles through the request list from a per-thread offset, fills `{n}`, checks each
 * answer against the success prefix (HTTP 200 alone proves nothing: Bilibili errors are HTTP 200 too),
 * and prints one JSON line with the counts and latency percentiles.
 */
function script(options: LoadOptions): string {
  return `
local specs = {
${options.requests.map(luaRequest).join(',\n')}
}
local okPrefix = ${luaString(options.okPrefix)}
local okLen = #okPrefix
local threads = {}
local built = {}
local counter = 0
local tag = "t"
-- Globals: setup() sets them per thread through thread:set, done() reads them through thread:get.
tid = 0
failures = 0
firstFailure = ""

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  tag = args[1] or "t"
  for i, s in ipairs(specs) do
    if not s.d then built[i] = wrk.format(s.m, s.p, s.h, s.b) end
  end
  counter = tid * 104729
end

function request()
  counter = counter + 1
  local i = counter % #specs + 1
  local r = built[i]
  if r then return r end
  local s = specs[i]
  local n = tag .. "x" .. tid .. "x" .. counter
  local path = string.gsub(s.p, "{n}", n)
  local body = s.b
  if body then body = string.gsub(body, "{n}", n) end
  return wrk.format(s.m, path, s.h, body)
end

${options.rateRps ? schedule(options.rateRps) : ''}
function response(status, headers, body)
  if status ~= 200 or string.sub(body, 1, okLen) ~= okPrefix then
    failures = failures + 1
    if firstFailure == "" then firstFailure = status .. " " .. string.sub(body, 1, 300) end
  end
end

local function jsonString(s)
  s = string.gsub(s, '[%c"\\\\]', function(c) return string.format("\\\\u%04x", string.byte(c)) end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local bad = 0
  local first = ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("failures")
    if first == "" then first = t:get("firstFailure") end
  end
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {"requests":%d,"bytes":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"failures":%d,"socket_errors":%d,"first_failure":%s}\\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(99), bad,
    e.connect + e.read + e.write + e.timeout, jsonString(first)))
end
`;
}

/**
 * wrk's `delay()` for a fixed rate (see `LoadOptions.rateRps`). wrk calls it before every request of every
 * connection, the first included. The schedule lives in one thread's Lua state: `runLoad` runs one thread
 * (`-t1`); with more, each would send the whole rate.
 */
function schedule(rateRps: number): string {
  if (!(rateRps > 0)) throw new RangeError('rateRps must be positive');
  return `local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *tp);
]]
local now_ts = ffi.new("bench_timespec")
local function nowMs()
  ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end
local interval = ${1000 / rateRps}
local nextAt = nil
function delay()
  local now = nowMs()
  if nextAt == nil then nextAt = now end
  local wait = nextAt - now
  nextAt = nextAt + interval
  if wait <= 0 then return 0 end
  return math.floor(wait + 0.5)
end
`;
}

/** Runs wrk (one thread, on the load core) against the base URL and parses its RESULT line. */
export async function runLoad(wrk: string, options: LoadOptions): Promise<LoadResult> {
  const file = join(options.workDir, `load-${options.tag}.lua`);
  writeFileSync(file, script(options));
  const [command, args] = pinned(LOAD_CORE, wrk, [
    '-t1',
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    '--timeout',
    '10s',
    '-s',
    file,
    options.baseUrl,
    '--',
    options.tag,
  ]);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (options.durationS + 30) * 1000);
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve(text);
    });
  });
  rmSync(file, { force: true });
  const line = /^RESULT (.*)$/m.exec(output);
  if (!line) throw new Error(`wrk gave no result:\n${output}`);
  const raw = JSON.parse(line[1]!) as {
    requests: number;
    bytes: number;
    duration_us: number;
    p50_us: number;
    p99_us: number;
    failures: number;
    socket_errors: number;
    first_failure: string;
  };
  const durationS = raw.duration_us / 1e6;
  return {
    requests: raw.requests,
    bytesPerAnswer: raw.requests ? raw.bytes / raw.requests : 0,
    durationS,
    rps: raw.requests / durationS,
    p50Ms: raw.p50_us / 1000,
    p99Ms: raw.p99_us / 1000,
    failures: raw.failures + raw.socket_errors,
    firstFailure: raw.first_failure || (raw.socket_errors ? `${raw.socket_errors} socket errors` : ''),
  };
}
