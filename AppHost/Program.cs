using Switchyard.AppHost;
using Switchyard.AppHost.Cache;

var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddSwitchyardCache("cache");
var quotas = builder.AddQuotaService("quotas", cache);
var router = builder.AddRouter("router", cache, quotas);
builder.AddSampleApp("chat", router, cache);

builder.Build().Run();
