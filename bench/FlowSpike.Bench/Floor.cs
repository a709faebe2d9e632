using System.Diagnostics;
using FlowSpike.Records;

namespace FlowSpike.Bench;

/// <summary>
/// `floor THREADS PATH`: what any reader of a set must spend, in process, best of 3 after one warm-up: read-only (every
/// file read into a buffer the thread keeps, 1 MB at a time), inflate-only (small gzip files read whole and inflated by
/// libdeflate into a kept buffer) and + tokenize (every line split into fields, nothing selected).
/// </summary>
internal static class Floor
{
    private struct Lines : ILineHandler
    {
        public long Count;

        public void OnLine(ReadOnlySpan<byte> line, ReadOnlySpan<int> fieldEnds, int fieldCount) => Count++;
    }

    public static int Run(int threads, string root)
    {
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.')).ToArray();
        long bytes = files.Sum(f => new FileInfo(f).Length);
        bool gzip = files.Length > 0 && files.All(f => f.EndsWith(".gz", StringComparison.Ordinal));
        bool text = files.All(f =>
            f.EndsWith(".gz", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal));
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string line = string.Create(inv, $"floor files={files.Length} MB={bytes / 1e6:F0}");
        line += string.Create(inv, $" read={Best(files, threads, 0, out _):F3}s");
        if (gzip && LibDeflate.Available)
            line += string.Create(inv, $" inflate={Best(files, threads, 1, out _):F3}s");
        if (text && (!gzip || LibDeflate.Available))
        {
            double t = Best(files, threads, 2, out long lines);
            line += string.Create(inv, $" {(gzip ? "inflate+" : "read+")}tokenize={t:F3}s lines={lines}");
        }
        Console.WriteLine(line);
        return 0;
    }

    private static double Best(string[] files, int threads, int level, out long lines)
    {
        double best = double.MaxValue;
        lines = 0;
        for (int r = 0; r < 4; r++)
        {
            var clock = Stopwatch.StartNew();
            lines = Pass(files, threads, level);
            if (r > 0)
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static long Pass(string[] files, int threads, int level)
    {
        int next = -1;
        long total = 0;
        void Work()
        {
            var raw = new byte[1 << 20];
            var inflated = new byte[1 << 20];
            var sink = new Lines();
            int i;
            while ((i = Interlocked.Increment(ref next)) < files.Length)
            {
                using var handle = File.OpenHandle(files[i]);
                long length = RandomAccess.GetLength(handle);
                bool gz = files[i].EndsWith(".gz", StringComparison.Ordinal);
                if (gz && raw.Length < length)
                    raw = new byte[length];
                long at = 0;
                int read;
                while ((read = RandomAccess.Read(handle, gz ? raw.AsSpan((int)at) : raw, at)) > 0)
                {
                    at += read;
                    if (!gz && level == 2)
                    {
                        int end = raw.AsSpan(0, read).LastIndexOf((byte)'\n') + 1;
                        LineTokenizer.Tokenize(raw.AsSpan(0, end), ref sink, LineTokenizer.DefaultMode);
                    }
                }
                if (!gz || level == 0)
                    continue;
                LibDeflate.TryInflateInto(raw.AsSpan(0, (int)at), ref inflated, out int size);
                if (level == 2)
                {
                    int end = inflated.AsSpan(0, size).LastIndexOf((byte)'\n') + 1;
                    LineTokenizer.Tokenize(inflated.AsSpan(0, end), ref sink, LineTokenizer.DefaultMode);
                }
            }
            Interlocked.Add(ref total, sink.Count);
        }
        var others = Enumerable.Range(1, threads - 1).Select(_ => new Thread(Work)).ToArray();
        foreach (var t in others)
            t.Start();
        Work();
        foreach (var t in others)
            t.Join();
        return total;
    }
}
