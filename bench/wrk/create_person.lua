-- POST /people with a new, valid 18-digit ID number on every request (GB 11643 check digit),
-- unique across wrk's threads: the thread number goes into the region code.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
local token = os.getenv("BENCH_TOKEN")

local function id_number(n)
  local born = os.date("%Y%m%d", os.time{year = 1950, month = 1, day = 1 + (n % 18000), hour = 12})
  local first17 = string.format("3707%02d%s%02d1", 10 + tid, born, math.floor(n / 18000) % 100)
  local sum = 0
  for i = 1, 17 do
    sum = sum + tonumber(first17:sub(i, i)) * weights[i]
  end
  local k = sum % 11 + 1
  return first17 .. checks:sub(k, k)
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"压测%d","id_number":"%s","unit_code":"370783001001","categories":["non_party_representative"]}',
    counter, id_number(counter))
  return wrk.format("POST", "/people", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
