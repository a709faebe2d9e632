using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlowSpike.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FlowSpike.Tests.Faults;

/// <summary>
/// Small hand-made flow logs for the fault matrix: three internal hosts blocked a few times an hour towards the
/// internet, a little accepted traffic, one file per hour; and ways to check a state and a run's output afterwards.
/// </summary>
internal static class FaultData
{
    /// <summary>2026-10-01T00:00:00Z; the baseline covers this day, detection the next.</summary>
    public const long T0 = 1_790_812_800;

    public const string BaselineFrom = "2026-10-01T00:00:00Z";
    public const string BaselineTo = "2026-10-02T00:00:00Z";

    public static readonly string[] Hosts = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];

    /// <summary>The start of hour <paramref name="hour"/> after T0.</summary>
    public static long H(int hour) => T0 + hour * 3600L;

    public static string Iso(long t) =>
        DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>One hour's flow log: 4-6 blocked outbound records a host (60 for the spiking one).</summary>

    public static string Hour(int hour, string? spikeHost = null, string iface = "eni-0a1b2c3d4e5f60001")
    {
        var lines = new FlowLines();
        foreach (string host in Hosts)
        {
            int count = host == spikeHost ? 60 : 4 + (hour + host[^1]) % 3;
            lines.Add(H(hour) + 60, host, "203.0.113.9", count: count, iface: iface);
        }
        lines.Add(H(hour) + 120, "10.0.0.1", "10.0.0.2", action: "ACCEPT", count: 2);
        return lines.ToString();
    }

    /// <summary>Only accepted records: a window with traffic and nothing blocked.</summary>
    public static string AcceptOnly(int hour) =>
        new FlowLines().Add(H(hour) + 60, "10.0.0.1", "203.0.113.9", action: "ACCEPT", count: 3).ToString();

    /// <summary>Writes hours [from, to) into <paramref name="folder"/>, one file each; returns the folder.</summary>
    public static string WriteHours(string folder, int from, int to, int? spikeHour = null, params int[] skip)
    {
        Directory.CreateDirectory(folder);
        for (int h = from; h < to; h++)
        {
            if (skip.Contains(h))
                continue;
            File.WriteAllText(Path.Combine(folder, $"h{h:000}.log"), Hour(h, h == spikeHour ? "10.0.0.1" : null));
        }
        return folder;
    }

    /// <summary>A state with the baseline of day 1 (from its own folder of logs), built by the CLI.</summary>
    public static string BaselineState(TempDir dir, string name = "s.db")
    {
        string logs = WriteHours(dir.File("baseline-logs"), 0, 24);
        string state = dir.File(name);
        var r = Support.Cli.Run("baseline", "--input", logs, "--from", BaselineFrom, "--to", BaselineTo,
            "--state", state, "-q");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return state;
    }

    /// <summary>The error line of a run's stderr: the run must print exactly one, and no stack trace.</summary>
    public static string OneError(Support.Cli.Outcome r)
    {
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        var errors = r.Stderr.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(errors.Count == 1, "expected one error line, got:\n" + r.Stderr);
        return errors[0];
    }

    /// <summary>Every row of every table of a state, as text: equal dumps mean an unchanged state.</summary>
    public static string Dump(string state)
    {
        using var c = ReadOnly(state);
        var tables = new List<string>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                tables.Add(r.GetString(0));
        }
        var text = new StringBuilder();
        foreach (string t in tables)
        {
            text.Append("== ").Append(t).Append('\n');
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM {t}";
            using var r = cmd.ExecuteReader();
            var rows = new List<string>();
            while (r.Read())
            {
                var values = Enumerable.Range(0, r.FieldCount)
                    .Select(i => Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture));
                rows.Add(string.Join('|', values));
            }
            rows.Sort(StringComparer.Ordinal);
            foreach (string row in rows)
                text.Append(row).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>One query's single value.</summary>
    public static string Scalar(string state, string sql)
    {
        using var c = ReadOnly(state);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>The closed windows of a state, as ISO times.</summary>
    public static List<string> Closed(string state)
    {
        using var c = ReadOnly(state);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT window_start FROM closed_windows ORDER BY window_start";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
            list.Add(Iso(r.GetInt64(0)));
        return list;
    }

    /// <summary>The lookup as "src avg stdev n latest" lines, sorted.</summary>
    public static string Lookup(string state) =>
        string.Join('\n', Pipeline.Lookup(state)
            .Select(r => $"{r.Src} {r.Avg:R} {r.Stdev:R} {r.NumDataPoints} {r.LatestCount}")
            .Order(StringComparer.Ordinal));

    private static SqliteConnection ReadOnly(string state)
    {
        var settings = new SqliteConnectionStringBuilder
        {
            DataSource = state,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        };

        var c = new SqliteConnection(settings.ToString());
        c.Open();
        return c;
    }

    public static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>The files in a folder (names only), sorted.</summary>
    public static List<string> Files(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal)];

    /// <summary>Runs the CLI in <paramref name="cwd"/> (for relative paths).</summary>
    public static Support.Cli.Outcome RunIn(string cwd, params string[] args)
    {
        var psi = Support.Cli.StartInfo(args);
        psi.WorkingDirectory = cwd;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("flowspike did not finish: " + string.Join(' ', args));
        }
        return new Support.Cli.Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }
}
