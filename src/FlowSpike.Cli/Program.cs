using FlowSpike.Cli;

EnvironmentSwitches.Apply();
var root = CommandTree.Build();
var parse = root.Parse(args);
StderrLog.Json = parse.GetValue(CommandTree.LogJson);
return parse.Errors.Count > 0 ? UsageError.Report(parse) : parse.Invoke();
