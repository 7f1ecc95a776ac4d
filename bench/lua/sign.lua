-- Sign intake through the real form: CSRF cookie and form token (one pair per wrk thread,
-- fetched by bench/harness.py from the campaign page), a unique email per request spread over
-- many domains, the Referer a browser sends. 302 to "check your email" means accepted.
local slug = os.getenv("BENCH_SLUG") or "bench-00"
local run = os.getenv("BENCH_RUN") or "r"
local prefix = os.getenv("BENCH_PREFIX") or "s"

function init(args)
  local pairs_env = os.getenv("BENCH_CSRF") or ""
  local list = {}
  for cookie, token in string.gmatch(pairs_env, "([^|;]+)|([^|;]+)") do
    table.insert(list, {cookie, token})
  end
  local pair = list[((tid - 1) % #list) + 1]
  token = pair[2]
  headers = base_headers()
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Cookie"] = "csrftoken=" .. pair[1]
  headers["Referer"] = "https://" .. base_host .. "/c/" .. slug .. "/"
  path = "/c/" .. slug .. "/sign/"
end

function request()
  sent = sent + 1
  local email = string.format("%s-%s-t%d-%d%%40d%d.bench.example", prefix, run, tid, sent, sent % 997)
  local body = "csrfmiddlewaretoken=" .. token
    .. "&name=Bench+Signer+" .. sent
    .. "&email=" .. email
    .. "&country=FR&affiliation=&language=en&show_publicly=on&hp_contact="
  -- Signers come from many addresses through our proxy (TRUSTED_PROXY_COUNT=1); these are
  -- IPv6 documentation addresses, only ever written in a header.
  headers["X-Forwarded-For"] = string.format("2001:db8::%x:%x", tid, sent % 4096)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  count_status(status)
end
