using FlowSpike.Cli;

var root = CommandTree.Build();
var parse = root.Parse(args);
StderrLog.Json = parse.GetValue(CommandTree.LogJson);
return parse.Errors.Count > 0 ? UsageError.Report(parse) : parse.Invoke();
