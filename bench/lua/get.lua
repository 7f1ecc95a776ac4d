-- GET one path (BENCH_PATH) again and again; response bodies are not parsed.
local path = os.getenv("BENCH_PATH") or "/"
local req = nil

function init(args)
  req = wrk.format("GET", path, base_headers())
end

function request()
  sent = sent + 1
  return req
end

function response(status, headers, body)
  count_status(status)
end
