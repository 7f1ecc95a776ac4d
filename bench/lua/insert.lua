-- The baseline write: POST one row to the minimal ORM-insert view.
function init(args)
  headers = base_headers()
  headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  sent = sent + 1
  return wrk.format("POST", "/bench/insert/", headers, "payload=t" .. tid .. "-" .. sent)
end

function response(status, headers, body)
  count_status(status)
end
