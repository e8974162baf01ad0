-- wrk script: POST /oneapi/v0/clients with a new email on every request.
-- Argument 1 (after `--`) is a run label that keeps emails of different runs apart.

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local run = "run"
local counter = 0

function init(args)
  if args[1] then
    run = args[1]
  end
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"email":"new-%s-%d@example.org","first_name":"Bench","last_name":"Client",'
      .. '"phone_prefix":"+33","phone":"600000000","address":"1 rue de l\'Exemple",'
      .. '"zip_code":"75015","city":"Paris","country":"FR","cgu":true,"optin":false}',
    run,
    counter
  )
  return wrk.format(nil, "/oneapi/v0/clients", nil, body)
end
