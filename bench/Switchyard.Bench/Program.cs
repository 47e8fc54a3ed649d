using Switchyard.Bench;

var options = BenchOptions.Parse(args);
return await BenchRunner.RunAsync(options);
