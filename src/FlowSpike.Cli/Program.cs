using FlowSpike.Cli;

return Commands.Build().Parse(args).Invoke();
