using Switchyard.AppHost;
using Switchyard.AppHost.Cache;

var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddSwitchyardCache("cache");
var adminKey = builder.AddAdminKey();
var quotas = builder.AddQuotaService("quotas", cache, adminKey);
var router = builder.AddRouter("router", cache, quotas, adminKey);
builder.AddSampleApp("chat", router, cache);

builder.Build().Run();
