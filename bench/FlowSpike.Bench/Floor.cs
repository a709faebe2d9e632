using System.Diagnostics;
using FlowSpike.Records;

namespace FlowSpike.Bench;

/// <summary>
/// `floor THREADS PATH`: what any reader of a set must spend, in process, best of 3 after one warm-up: read-only (every
/// file read whole into a buffer the thread keeps), inflate-only (the same plus libdeflate into a kept buffer, for
/// gzip files) and inflate + tokenize (every line split into fields, nothing selected).
/// </summary>
internal static class Floor
{
    private struct Lines : ILineSink
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
        string line = System.FormattableString.Invariant($"floor files={files.Length} MB={bytes / 1e6:F0}");
        line += System.FormattableString.Invariant($" read={Best(files, threads, 0):F3}s");
        if (gzip && LibDeflate.Available)
        {
            line += System.FormattableString.Invariant($" inflate={Best(files, threads, 1):F3}s");
            line += System.FormattableString.Invariant($" inflate+tokenize={Best(files, threads, 2):F3}s");
        }
        Console.WriteLine(line);
        return 0;
    }

    private static double Best(string[] files, int threads, int level)
    {
        double best = double.MaxValue;
        for (int r = 0; r < 4; r++)
        {
            var clock = Stopwatch.StartNew();
            Pass(files, threads, level);
            if (r > 0)
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static void Pass(string[] files, int threads, int level)
    {
        int next = -1;
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
                if (raw.Length < length)
                    raw = new byte[length];
                int n = 0, read;
                while (n < length && (read = RandomAccess.Read(handle, raw.AsSpan(n, (int)length - n), n)) > 0)
                    n += read;
                if (level == 0)
                    continue;
                LibDeflate.TryInflateInto(raw.AsSpan(0, n), ref inflated, out int size);
                if (level == 2)
                {
                    int end = inflated.AsSpan(0, size).LastIndexOf((byte)'\n') + 1;
                    LineTokenizer.Tokenize(inflated.AsSpan(0, end), ref sink, LineTokenizer.DefaultMode);
                }
            }
        }
        var others = Enumerable.Range(1, threads - 1).Select(_ => new Thread(Work)).ToArray();
        foreach (var t in others)
            t.Start();
        Work();
        foreach (var t in others)
            t.Join();
    }
}
