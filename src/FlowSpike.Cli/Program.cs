using FlowSpike.Cli;

var root = Commands.Build();
var parse = root.Parse(args);
StderrLog.Json = parse.GetValue(Commands.LogJson);
return parse.Errors.Count > 0 ? UsageError.Report(parse) : parse.Invoke();
