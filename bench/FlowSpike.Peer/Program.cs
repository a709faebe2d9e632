using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using DuckDB.NET.Data;

// The benchmark peers, run as separate processes by scripts/bench-e2e.sh:
//   duckdb GLOB HEADER THREADS FROM TO   the baseline support search as DuckDB SQL, explicit schema
//   duckdb-parquet GLOB THREADS FROM TO  the same over Parquet files (columns as S3 Parquet delivery names them)
//   inflate THREADS FILE...              bare GZipStream inflate of the files, discarding the output
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: duckdb GLOB true|false THREADS FROM TO | inflate THREADS FILE...");
    return 2;
}
var clock = Stopwatch.StartNew();
if (args[0] == "inflate")
{
    int threads = int.Parse(args[1], CultureInfo.InvariantCulture);
    var files =
        args.Skip(2)
        .SelectMany(a => Directory.Exists(a) ? Directory.EnumerateFiles(a, "*.gz", SearchOption.AllDirectories) : [a])
        .ToList();
    long total = 0;
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = threads }, () =>
        (Buffer: new byte[1 << 20], Bytes: 0L), (f, _, local) =>
    {
        using var gz = new GZipStream(File.OpenRead(f), CompressionMode.Decompress);
        int n;
        while ((n = gz.Read(local.Buffer)) > 0)
            local.Bytes += n;
        return local;
    }, local => Interlocked.Add(ref total, local.Bytes));
    double s = clock.Elapsed.TotalSeconds;
    Console.WriteLine(
        string.Create(CultureInfo.InvariantCulture,
            $"inflate files={files.Count} bytes={total} seconds={s:F3} MBps={total / 1e6 / s:F0}"));
    return 0;
}

bool parquet = args[0] == "duckdb-parquet";
// Text: GLOB HEADER THREADS FROM TO; Parquet: GLOB THREADS FROM TO (no header argument).
string glob = args[1];
int at = parquet ? 2 : 3;
bool header = !parquet && bool.Parse(args[2]);
int duckThreads = int.Parse(args[at], CultureInfo.InvariantCulture);
long from = long.Parse(args[at + 1], CultureInfo.InvariantCulture);
long to = long.Parse(args[at + 2], CultureInfo.InvariantCulture);
using var connection = new DuckDBConnection("Data Source=:memory:");
connection.Open();
void Exec(string sql)
{
    using var c = connection.CreateCommand();
    c.CommandText = sql;
    c.ExecuteNonQuery();
}
Exec($"SET threads = {duckThreads}");
// IPv4 text to an integer, NULL when the text is not dotted-quad; then the RFC1918 test on the integer.
Exec(@"CREATE MACRO ip4(s) AS CASE WHEN regexp_full_match(s, '[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}')
        THEN (split_part(s, '.', 1)::BIGINT << 24) + (split_part(s, '.', 2)::BIGINT << 16)"
    + @" + (split_part(s, '.', 3)::BIGINT << 8) + split_part(s, '.', 4)::BIGINT END");
Exec("CREATE MACRO internal(i) AS (i >> 24 = 10) OR (i >> 20 = 2753) OR (i >> 16 = 49320)");
string columns =
    "{'version':'VARCHAR','account_id':'VARCHAR','interface_id':'VARCHAR','srcaddr':'VARCHAR','dstaddr':'VARCHAR',"
    + "'srcport':'VARCHAR','dstport':'VARCHAR','protocol':'VARCHAR','packets':'VARCHAR','bytes':'VARCHAR',"
    + "'start':'VARCHAR','end':'VARCHAR','action':'VARCHAR','log_status':'VARCHAR'}";
string source = parquet
    ? $"read_parquet('{glob}')"
    : $"read_csv('{glob}', delim = ' ', header = {(header ? "true" : "false")}, columns = {columns}, "
        + "auto_detect = false, quote = '', escape = '', ignore_errors = true)";
string sql = $@"
WITH rec AS (
  SELECT ip4(srcaddr) AS s, ip4(dstaddr) AS d, dstaddr, TRY_CAST(start AS BIGINT) AS t
  FROM {source}
  WHERE action = 'REJECT'
), buckets AS (
  SELECT s, t // 3600 AS b, count(*) AS n FROM rec
  WHERE s IS NOT NULL AND internal(s) AND ((d IS NOT NULL AND NOT internal(d))"
    + $@" OR (d IS NULL AND contains(dstaddr, ':')))
    AND t >= {from} AND t < {to}
  GROUP BY s, b
)
SELECT count(*) AS hosts, sum(points) AS buckets, sum(total) AS records FROM (
  SELECT s, count(*) AS points, arg_max(n, b) AS latest, avg(n) AS mean, coalesce(stddev_samp(n), 0) AS sd,"
    + @" sum(n) AS total
  FROM buckets GROUP BY s)";
using var cmd = connection.CreateCommand();
cmd.CommandText = sql;
using var reader = cmd.ExecuteReader();
reader.Read();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"duckdb hosts={reader.GetInt64(0)} host_buckets={reader.GetValue(1)} records={reader.GetValue(2)} "
        + $"seconds={clock.Elapsed.TotalSeconds:F3}"));
return 0;
