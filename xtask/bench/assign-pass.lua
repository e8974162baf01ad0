-- wrk script: POST /oneapi/v0/stockofpasses/assign with a new payment reference on every
-- request, over the data set's clients in turn.
-- Argument 1 (after `--`) is a run label that keeps references of different runs apart,
-- argument 2 the number of clients `bench-client-N@example.org`, argument 3 the stock id.

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local run = "run"
local clients = 10000
local stock_id = 900
local counter = 0

function init(args)
  if args[1] then
    run = args[1]
  end
  if args[2] then
    clients = tonumber(args[2])
  end
  if args[3] then
    stock_id = tonumber(args[3])
  end
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"email":"bench-client-%d@example.org","stock_id":%d,"payment_reference":"%s-%d"}',
    counter % clients,
    stock_id,
    run,
    counter
  )
  return wrk.format(nil, "/oneapi/v0/stockofpasses/assign", nil, body)
end
