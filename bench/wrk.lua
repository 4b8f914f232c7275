-- One wrk script for every API scenario of scripts/bench.sh, configured by environment variables:
--   BENCH_OUT        file that receives one JSON object with the run's numbers (required)
--   BENCH_METHOD     GET (default) or POST
--   BENCH_PATH       request path (default: the URL's path)
--   BENCH_AUTH       value of the Authorization header (optional)
--   BENCH_BODY_FILE  file whose contents are the request body; sent as application/json (optional)
--   BENCH_IDEMPOTENT "1": every request carries a fresh Idempotency-Key
--   BENCH_TOKENS     file of session tokens, one a line: each request uses the next unused token and BENCH_PATH's
--                    "{token}" is replaced by it; when a thread runs out it stops and reports it (the run is then
--                    not valid for throughput, and the report says so)
--   BENCH_THREADS    the -t value, so threads can split the token file between them
-- Each wrk thread has its own Lua state: counters live per thread and are summed in done().

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- `id` (set in setup), `statuses` and `exhausted` are globals: thread:set/get reach only globals.
local method, path, body, headers, tokens, token_i, idem, seq

local function read_file(name)
  local f = assert(io.open(name, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH") or wrk.path
  headers = {}
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then headers["Authorization"] = auth end
  local body_file = os.getenv("BENCH_BODY_FILE")
  if body_file and body_file ~= "" then
    body = read_file(body_file)
    headers["Content-Type"] = "application/json"
  end
  idem = os.getenv("BENCH_IDEMPOTENT") == "1"
  seq = 0
  -- Counters read back by done() through thread:get.
  statuses = {}
  exhausted = 0
  local token_file = os.getenv("BENCH_TOKENS")
  if token_file and token_file ~= "" then
    local n = tonumber(os.getenv("BENCH_THREADS") or "1")
    tokens = {}
    local line_no = 0
    for line in io.lines(token_file) do
      if line ~= "" then
        if line_no % n == id then table.insert(tokens, line) end
        line_no = line_no + 1
      end
    end
    token_i = 0
  end
  -- A per-process prefix keeps Idempotency-Keys unique across runs against the same database.
  run_prefix = string.format("bench-%d-%d-%d", os.time(), id, math.random(1, 1000000000))
end

function request()
  local p = path
  local h = headers
  if tokens then
    token_i = token_i + 1
    local t = tokens[token_i]
    if t == nil then
      exhausted = 1
      wrk.thread:stop()
      t = tokens[#tokens]
    end
    p = string.gsub(path, "{token}", t)
  end
  if idem then
    seq = seq + 1
    h = {}
    for k, v in pairs(headers) do h[k] = v end
    h["Idempotency-Key"] = run_prefix .. "-" .. seq
  end
  return wrk.format(method, p, h, body)
end

function response(status, hdrs, b)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local function status_table(t)
  local parts = {}
  for k, v in pairs(t) do table.insert(parts, string.format('"%s": %d', k, v)) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local totals = {}
  local exhausted_threads = 0
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then
      for k, v in pairs(s) do totals[k] = (totals[k] or 0) + v end
    end
    exhausted_threads = exhausted_threads + (t:get("exhausted") or 0)
  end
  local non2xx = 0
  for k, v in pairs(totals) do
    local code = tonumber(k)
    if code < 200 or code > 299 then non2xx = non2xx + v end
  end
  local e = summary.errors
  local out = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "rps": %.2f, ' ..
    '"latency_us": {"mean": %.1f, "stdev": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status_ge_400": %d}, ' ..
    '"non_2xx": %d, "statuses": %s, "tokens_exhausted_threads": %d}\n',
    summary.requests, summary.duration, summary.bytes, summary.requests / (summary.duration / 1e6),
    latency.mean, latency.stdev, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status,
    non2xx, status_table(totals), exhausted_threads))
  out:close()
end
