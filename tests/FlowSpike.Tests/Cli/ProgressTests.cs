using System.IO.Compression;
using System.Text.RegularExpressions;
using FlowSpike.Aggregation;
using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Cli;

/// <summary>
/// The progress counters move while one input is still being read (a big plain file, a gzip object, standard input),
/// not only when it ends; on a terminal the line shows it, and the summary starts on a line of its own.
/// </summary>
public class ProgressTests
{
    private const long T0 = 1_790_812_800;

    private static string Records(int count)
    {
        var f = new FlowLines();
        for (int i = 0; i < count; i++)
            f.Add(T0 + (i % 7200), "10.0." + (i % 5) + "." + (i % 200 + 1), "203.0.113." + (i % 250 + 1));
        return f.ToString();
    }

    /// <summary>
    /// Scans on this thread while another samples the counters; true if one sample caught the item half read.
    /// </summary>
    private static (bool Midway, ScanProgress Progress) Watch(string path)
    {
        var progress = new ScanProgress();
        bool midway = false, done = false;
        var sampler = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                long bytes = progress.BytesDone, total = progress.TotalBytes, lines = progress.Lines;
                if (progress.ItemsDone == 0 && bytes > 0 && bytes < total && lines > 0)
                    midway = true;
                Thread.SpinWait(50);
            }
        });
        sampler.Start();
        FlowScanner.Scan(InputSet.Expand([path]), new ScanOptions
        {
            From = 0,
            To = 4_000_000_000,
            WindowSeconds = 3600,
            Threads = 1,
            SmallFileReads = false,
            InflateWhole = false,
            Progress = progress,
        }, TestContext.Current.CancellationToken);
        Volatile.Write(ref done, true);
        sampler.Join();
        return (midway, progress);
    }

    [Fact]
    public void Bytes_and_lines_move_within_one_big_file_and_one_gzip_object()
    {
        using var dir = new TempDir();
        string plain = dir.Write("big.log", Records(400_000));
        string gz = dir.File("big.log.gz");
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            output.Write(File.ReadAllBytes(plain));
        foreach (string path in new[] { plain, gz })
        {
            var (midway, progress) = Watch(path);
            Assert.True(midway, $"{Path.GetFileName(path)}: no sample saw bytes and lines before the item ended");
            // At the end: everything counted once, the raw (compressed) size for gzip.
            Assert.Equal(1, progress.ItemsDone);
            Assert.Equal(new FileInfo(path).Length, progress.BytesDone);
            Assert.Equal(400_000, progress.Lines);
            Assert.True(progress.Finished);
        }
    }

    [Fact]
    public void On_a_terminal_the_line_moves_during_a_slow_standard_input_and_the_summary_starts_a_new_line()
    {
        using var dir = new TempDir();
        // 3 MB arrive, then nothing for 3 s (several ticks of the line), then the rest.
        string text = Records(60_000);
        string first = dir.Write("first.log", text[..(text.Length / 2)]);
        string rest = dir.Write("rest.log", text[(text.Length / 2)..]);
        string cli = string.Join(' ', new[]
        {
            "dotnet", Support.Cli.Dll, "baseline", "--input", "-", "--from", "2026-10-01T00:00:00Z",
            "--to", "2026-10-08T00:00:00Z", "--state", dir.File("s.db"),
        }.Select(a => "'" + a + "'"));
        string command = $"{{ cat '{first}'; sleep 3; cat '{rest}'; }} | {cli}";
        var psi = new System.Diagnostics.ProcessStartInfo("script", ["-qec", command, "/dev/null"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string screen = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        // Standard input has no listed size: bytes read so far, with no total.
        var ticks = Regex.Matches(screen, @"scanning 0/1 files, (\d+) MB, ([0-9.]+) M records/s")
            .Select(m => (Mb: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                Rate: double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(ticks.Count >= 2, screen);
        Assert.Contains(ticks, t => t.Mb >= 1 && t.Rate > 0);
        int summary = screen.IndexOf("flowspike: scanned 1 file(s), 60000 line(s)", StringComparison.Ordinal);
        Assert.True(summary > 0, screen);
        Assert.True(screen[summary - 1] is '\r' or '\n', "the summary follows the progress text on its line");
    }
}
