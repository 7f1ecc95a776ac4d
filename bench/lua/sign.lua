-- Sign intake through the real form, posted as a browser posts it from the campaign page:
-- Fetch Metadata and Origin say it is same-origin (the public forms carry no CSRF token or
-- cookie: lib/public_forms.py), a unique email per request spread over many domains.
-- 302 to "check your email" means accepted.
local slug = os.getenv("BENCH_SLUG") or "bench-00"
local run = os.getenv("BENCH_RUN") or "r"
local prefix = os.getenv("BENCH_PREFIX") or "s"

function init(args)
  headers = base_headers()
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Sec-Fetch-Site"] = "same-origin"
  headers["Origin"] = "https://" .. base_host
  headers["Referer"] = "https://" .. base_host .. "/c/" .. slug .. "/"
  path = "/c/" .. slug .. "/sign/"
end

function request()
  sent = sent + 1
  local email = string.format("%s-%s-t%d-%d%%40d%d.bench.example", prefix, run, tid, sent, sent % 997)
  local body = "name=Bench+Signer+" .. sent
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
