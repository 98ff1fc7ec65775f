-- wrk script for `make bench` (bench/load.py): sends one scenario's request and counts the
-- answers by status. bench/load.py runs it with a first line prepended that defines
-- `config`: {method, path, headers, body, vary_ip, tokens, threads, salt}. "{n}" in the path, a header or the body
-- becomes a new value in each request (the round's salt, the thread, a count, a random number); "{date}" in the path a random day from 2019-01-01 to
-- yesterday; "{token}" in the body the next unused form token of `tokens` (each thread takes
-- every `threads`-th, so no two requests share one); vary_ip sends each request from another
-- X-Forwarded-For address.
-- `sequence` (optional, with `start`): "{seq0}", "{seq1}"… in the path take the values of
-- request number start + (n - 1) × threads + this thread's index - 1 (bench/scenarios.py's sequence_path):
-- no two requests of a run are the same until the sequence is used up.
-- `done` prints the measurement as one line: BENCHJSON {...}, with the answers counted by status and
-- by the page cache's X-Page-Cache header (hit, miss, not-modified; "none" where absent).

counts = {}
page_cache = {}
local n = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)  -- 1, 2, …
end

local HISTORY_STARTS = 1546300800  -- 2019-01-01T00:00:00Z

local function random_day()
  local days = math.floor((os.time() - HISTORY_STARTS) / 86400) - 1
  return os.date("!%Y-%m-%d", HISTORY_STARTS + math.random(0, days) * 86400)
end

local function sequence_path(path, index)
  for position, values in ipairs(config.sequence) do
    path = string.gsub(path, "{seq" .. (position - 1) .. "}", values[(index % #values) + 1])
    index = math.floor(index / #values)
  end
  return path
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  n = n + 1
  -- The round's salt first (bench/load.py wrk_config): wrk's random numbers repeat from one run to another.
  local unique = (config.salt or "") .. "-" .. tostring(thread_index or 1) .. "-" .. tostring(n) .. "-" .. tostring(math.random(1, 1000000000))
  local headers = {}
  for k, v in pairs(config.headers) do headers[k] = string.gsub(v, "{n}", unique) end
  local path = string.gsub(config.path, "{n}", unique)
  path = string.gsub(path, "{date}", random_day)
  if config.sequence then
    path = sequence_path(path, config.start + (n - 1) * config.threads + (thread_index or 1) - 1)
  end
  local body = nil
  if config.body then
    body = string.gsub(config.body, "{n}", unique)
    if config.tokens and #config.tokens > 0 then
      local index = (n - 1) * (config.threads or 1) + (thread_index or 1)
      local token = config.tokens[((index - 1) % #config.tokens) + 1]
      body = string.gsub(body, "{token}", (string.gsub(token, "%%", "%%%%")))  -- "%3A" is no capture
    end
  end
  if config.vary_ip then
    headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  end
  return wrk.format(config.method, path, headers, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  local outcome = headers["X-Page-Cache"] or "none"
  page_cache[outcome] = (page_cache[outcome] or 0) + 1
end

function done(summary, latency, requests)
  local merged, outcomes = {}, {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, count in pairs(c) do merged[status] = (merged[status] or 0) + count end
    local p = thread:get("page_cache")
    for outcome, count in pairs(p) do outcomes[outcome] = (outcomes[outcome] or 0) + count end
  end
  local parts, cache_parts = {}, {}
  for status, count in pairs(merged) do table.insert(parts, string.format('"%d": %d', status, count)) end
  for outcome, count in pairs(outcomes) do table.insert(cache_parts, string.format('"%s": %d', outcome, count)) end
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "statuses": {%s}, "page_cache": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", "), table.concat(cache_parts, ", ")))
end
