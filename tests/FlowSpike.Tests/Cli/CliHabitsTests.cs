using System.Diagnostics;

namespace FlowSpike.Tests.Cli;

/// <summary>What a shell user expects: completion that loads and completes, and short usage errors.</summary>
public class CliHabitsTests
{
    /// <summary>Sources the generated script in a real bash, then asks it to complete the given words.</summary>
    private static string Complete(params string[] words)
    {
        string script = Support.Cli.Run("completion", "bash").Stdout;
        string file = Path.Combine(Path.GetTempPath(), $"flowspike-completion-{Guid.NewGuid():N}.bash");
        File.WriteAllText(file, script);
        try
        {
            string array = string.Join(' ', words.Select(w => $"'{w}'"));
            var psi = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"source '{file}' && complete -p flowspike >/dev/null && COMP_WORDS=({array}) && " +
                $"COMP_CWORD={words.Length - 1} && _flowspike && echo \"${{COMPREPLY[*]}}\"");
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, error);
            return output.Trim();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Bash_completion_loads_and_completes_commands_options_and_values()
    {
        Assert.Equal("detect", Complete("flowspike", "det"));
        Assert.Equal("--format", Complete("flowspike", "detect", "--form"));
        Assert.Equal("ocsf", Complete("flowspike", "detect", "--format", "o"));
        Assert.Equal("detect", Complete("flowspike", "cluster", "det"));
        Assert.Contains("--window", Complete("flowspike", "watch", "--w").Split(' '));
        Assert.Equal("splunk", Complete("flowspike", "baseline", "--model", "sp"));
    }

    [Theory]
    [InlineData("zsh", "bashcompinit")]
    [InlineData("fish",
        "complete -c flowspike -n '__fish_seen_subcommand_from detect' -l format -x -a 'asff csv jsonl ocsf'")]
    public void Zsh_and_fish_scripts_cover_the_same_tree(string shell, string expected)
    {
        var r = Support.Cli.Run("completion", shell);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(expected, r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typo_is_one_line_with_the_nearest_option_and_a_help_hint()
    {
        var r = Support.Cli.Run("detect", "--windw", "1h");
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["flowspike: error: unknown option '--windw'; did you mean --window?",
            "Try 'flowspike detect --help' for the options."], lines);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void An_option_typed_right_after_input_is_a_usage_error_not_a_path()
    {
        var r = Support.Cli.Run("watch", "--once", "--input", "--lisen", "none", "--state", "x.db");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--input: '--lisen' is not a path but looks like an option", r.Stderr,
            StringComparison.Ordinal);
        Assert.Equal(2, r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_bad_value_and_an_unknown_command_are_one_line_each()
    {
        var bad = Support.Cli.Run("detect", "--input", "x", "--from", "0", "--to", "3600", "--format", "xml");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal(2, bad.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("'xml' not recognized", bad.Stderr, StringComparison.Ordinal);
        var unknown = Support.Cli.Run("detcet");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("flowspike: error: unknown command 'detcet'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--threads", "abc", "--threads: 'abc' is not a whole number")]
    [InlineData("--deviation-threshold", "2x", "--deviation-threshold: '2x' is not a number")]
    [InlineData("--data-point-threshold", "1.5", "--data-point-threshold: '1.5' is not a whole number")]
    public void A_number_that_does_not_parse_is_named_in_words(string option, string value, string expected)
    {
        var r = Support.Cli.Run("detect", "--input", "x", "--from", "0", "--to", "3600", option, value);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["flowspike: error: " + expected, "Try 'flowspike detect --help' for the options."], lines);
    }

    [Fact]
    public void Help_wraps_to_the_terminal_and_shows_durations_as_people_write_them()
    {
        var r = Support.Cli.RunWith(["watch", "--help"], env: new Dictionary<string, string> { ["COLUMNS"] = "72" });
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 72, $"{l.Length} columns: {l}"));
        string text = string.Join(' ', lines.Select(l => l.Trim()));
        Assert.Contains("[default: 1h]", text, StringComparison.Ordinal);
        Assert.Contains("[default: 10m]", text, StringComparison.Ordinal);
        Assert.Contains("[default: 90d]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[default: 3600]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_json_writes_one_object_a_line_with_time_level_and_message()
    {
        using var dir = new Support.TempDir();
        string input = dir.Write("f.log", new Support.FlowLines().Add(1_790_812_800, "10.0.0.1", "8.8.8.8").ToString());
        var ok = Support.Cli.Run("baseline", "--log-json", "--input", input, "--from", "2026-10-01T00:00:00Z",
            "--to", "2026-10-01T01:00:00Z", "--state", dir.File("s.db"));
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        var lines = ok.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (string line in lines)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            Assert.True(DateTimeOffset.TryParse(doc.RootElement.GetProperty("time").GetString(), out _));
            Assert.Contains(doc.RootElement.GetProperty("level").GetString(), new[] { "info", "warning", "error" });
            Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("message").GetString()));
        }
        var bad = Support.Cli.Run("detect", "--log-json", "--input", dir.File("missing.log"), "--from", "0",
            "--to", "3600", "--state", dir.File("t.db"));
        Assert.Equal(1, bad.ExitCode);
        using var error =
            System.Text.Json.JsonDocument.Parse(bad.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Equal("error", error.RootElement.GetProperty("level").GetString());
        Assert.Contains("missing.log", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_says_what_its_numbers_count()
    {
        using var dir = new Support.TempDir();
        var data = Detected(dir);
        // 10.0.0.5 spiked once, in hour 72, and only to 203.0.113.7 (its baseline hours end before).
        var r = Support.Cli.Run("explain", "--state", data.State, "--src", "10.0.0.5");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("top blocked destinations: 203.0.113.7 in 1 alert", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("alerts: 1", r.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.9.9.9")]
    [InlineData("fd00::1")]
    public void Explain_of_a_host_the_state_never_saw_is_an_error_for_ipv4_and_ipv6_alike(string host)
    {
        using var dir = new Support.TempDir();
        var data = Detected(dir);
        var r = Support.Cli.Run("explain", "--state", data.State, "--src", host);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains($"--src: '{host}' is not a host this state has seen", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lookup")]
    [InlineData("report")]
    public void A_file_into_a_missing_folder_is_an_error_naming_it_and_nothing_is_left(string command)
    {
        using var dir = new Support.TempDir();
        var data = Detected(dir);
        string target = Path.Combine(dir.Path, "missing", "out.file");
        string[] args = command == "lookup"
            ? ["lookup", "export", "--state", data.State, "--out", target]
            : ["report", "--state", data.State, "--out", target];
        var r = Support.Cli.Run(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{target}: cannot write: the folder {Path.Combine(dir.Path, "missing")} does not exist",
            r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "missing")));
    }

    [Fact]
    public void An_export_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        using var dir = new Support.TempDir();
        var data = Detected(dir);
        string target = dir.Write("lookup.csv", "an older export\n");
        var r = Support.Cli.Run("lookup", "export", "--state", data.State, "--out", target);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var stdout = Support.Cli.Run("lookup", "export", "--state", data.State);
        Assert.Equal(stdout.Stdout, File.ReadAllText(target));
        Assert.False(File.Exists(target + ".tmp"));
    }

    /// <summary>The delivery fault data set, detected once: a state with a lookup, a history and one alert.</summary>
    private static Faults.DeliveryFaultData Detected(Support.TempDir dir)
    {
        var data = new Faults.DeliveryFaultData(dir);
        Assert.Equal(0, Support.Cli.Run(data.Detect("--out", dir.File("a.jsonl"))).ExitCode);
        return data;
    }
}
