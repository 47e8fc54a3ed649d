using Switchyard.Bench.BareForwarder;

var builder = WebApplication.CreateSlimBuilder(args);

builder.AddBareForwarder();

var app = builder.Build();

app.MapBareForwarder();

app.Run();
