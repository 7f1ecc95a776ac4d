-- Shared by every scenario (bench/harness.py prepends it): per-thread counters and a JSON summary.
-- `sent_by_thread` lets the harness rebuild every address sign.lua wrote (bench/checks.py).
-- Every request carries X-Forwarded-Proto: https, as behind the production TLS proxy
-- (BEHIND_PROXY=1), so HTTPS-only settings (secure cookies, CSRF Referer checks) apply.
local threads = {}
local base_host = os.getenv("BENCH_HOST") or "127.0.0.1:8001"

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

sent = 0
ok2xx = 0
ok3xx = 0
bad = 0

function count_status(status)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  elseif status >= 300 and status < 400 then
    ok3xx = ok3xx + 1
  else
    bad = bad + 1
  end
end

function base_headers()
  return {
    ["Host"] = base_host,
    ["X-Forwarded-Proto"] = "https",
    ["Accept-Language"] = "en",
  }
end

function done(summary, latency, requests)
  local s, o2, o3, b = 0, 0, 0, 0
  local by_thread = {}
  for _, thread in ipairs(threads) do
    table.insert(by_thread, string.format("%d", thread:get("sent") or 0))
    s = s + (thread:get("sent") or 0)
    o2 = o2 + (thread:get("ok2xx") or 0)
    o3 = o3 + (thread:get("ok3xx") or 0)
    b = b + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,'
      .. '"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,'
      .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,'
      .. '"sent":%d,"sent_by_thread":[%s],"counted_2xx":%d,"counted_3xx":%d,'
      .. '"counted_other":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, s, table.concat(by_thread, ","), o2, o3, b))
end
