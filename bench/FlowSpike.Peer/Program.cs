using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using DuckDB.NET.Data;

// The benchmark peers, run as separate processes by scripts/bench-e2e.sh:
//   duckdb QUERY GLOB HEADER THREADS FROM TO   the baseline support search as DuckDB SQL over text, explicit schema
//   duckdb-parquet QUERY GLOB THREADS FROM TO  the same over Parquet files (columns as S3 Parquet delivery names them)
//   duckdb-ocsf QUERY GLOB THREADS FROM TO     the same over Security Lake's OCSF Parquet (nested endpoints, ms)
//   write-parquet IN_GLOB OUT_DIR CODEC        each Parquet file rewritten by DuckDB's writer (same rows, AWS types)
//   inflate THREADS FILE...                    bare GZipStream inflate of the files, discarding the output
// QUERY names one formulation of the same search (Queries below); the script runs each and keeps the fastest.
if (args.Length < 2)
{
    Console.Error.WriteLine(
        "usage: duckdb QUERY GLOB true|false THREADS FROM TO | duckdb-parquet|duckdb-ocsf QUERY GLOB THREADS FROM TO"
        + " | write-parquet IN_GLOB OUT_DIR CODEC | inflate THREADS FILE...");
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

using var connection = new DuckDBConnection("Data Source=:memory:");
connection.Open();
void Exec(string sql)
{
    using var c = connection.CreateCommand();
    c.CommandText = sql;
    c.ExecuteNonQuery();
}

if (args[0] == "write-parquet")
{
    // One output file per input file, named alike, so the sets hold the same rows in the same number of files.
    string dir = Path.GetDirectoryName(args[1])!, pattern = Path.GetFileName(args[1]);
    Directory.CreateDirectory(args[2]);
    foreach (string file in Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal))
    {
        string target = Path.Combine(args[2], Path.GetFileName(file));
        Exec($"COPY (SELECT * FROM read_parquet('{file}')) TO '{target}' (FORMAT parquet, COMPRESSION {args[3]})");
    }
    Console.WriteLine($"written {args[2]}");
    return 0;
}

bool ocsf = args[0] == "duckdb-ocsf";
bool parquet = ocsf || args[0] == "duckdb-parquet";
// Text: QUERY GLOB HEADER THREADS FROM TO; Parquet: QUERY GLOB THREADS FROM TO (no header argument).
string query = args[1], glob = args[2];
int at = parquet ? 3 : 4;
bool header = !parquet && bool.Parse(args[3]);
int duckThreads = int.Parse(args[at], CultureInfo.InvariantCulture);
long from = long.Parse(args[at + 1], CultureInfo.InvariantCulture);
long to = long.Parse(args[at + 2], CultureInfo.InvariantCulture);
Exec($"SET threads = {duckThreads}");
// typed-*: the text's start column read as BIGINT by the CSV reader itself (Parquet's start is BIGINT already).
bool typed = query.StartsWith("typed-", StringComparison.Ordinal);
string columns =
    "{'version':'VARCHAR','account_id':'VARCHAR','interface_id':'VARCHAR','srcaddr':'VARCHAR','dstaddr':'VARCHAR',"
    + "'srcport':'VARCHAR','dstport':'VARCHAR','protocol':'VARCHAR','packets':'VARCHAR','bytes':'VARCHAR',"
    + $"'start':'{(typed ? "BIGINT" : "VARCHAR")}','end':'VARCHAR','action':'VARCHAR','log_status':'VARCHAR'}}";
string source = parquet
    ? $"read_parquet('{glob}')"
    : $"read_csv('{glob}', delim = ' ', header = {(header ? "true" : "false")}, columns = {columns}, "
        + "auto_detect = false, quote = '', escape = '', ignore_errors = true)";
string start = ocsf ? "(time // 1000)" : typed || parquet ? "start" : "TRY_CAST(start AS BIGINT)";
// OCSF: FlowSpike's rule on the columns Security Lake writes (OcsfFlowFields.IsReject; synth has no disposition_id).
string reject = ocsf ? "(disposition = 'Blocked' OR activity_id = 5 OR action_id = 2)" : "action = 'REJECT'";
string srcaddr = ocsf ? "src_endpoint.ip" : "srcaddr", dstaddr = ocsf ? "dst_endpoint.ip" : "dstaddr";
string body = (typed ? query["typed-".Length..] : query) switch
{
    "regexp" => Regexp(),
    "like" => Prefix(a => $"{a} LIKE '10.%' OR {a} LIKE '192.168.%' OR ({a} LIKE '172.%' AND {Second(a)})"),
    "starts-with" => Prefix(a =>
        $"starts_with({a}, '10.') OR starts_with({a}, '192.168.') OR (starts_with({a}, '172.') AND {Second(a)})"),
    "octets" => Prefix(a =>
        $"(CASE TRY_CAST(split_part({a}, '.', 1) AS INT) WHEN 10 THEN true WHEN 172 THEN {Second(a)} "
        + $"WHEN 192 THEN split_part({a}, '.', 2) = '168' ELSE false END)"),
    _ => throw new ArgumentException($"unknown query {query}: regexp, like, starts-with, octets, typed-*"),
};
// The per-host summary the baseline keeps: count, latest, mean, sample deviation and total of the hourly counts.
string sql = $@"{body}
SELECT count(*) AS hosts, sum(points) AS buckets, sum(total) AS records FROM (
  SELECT s, count(*) AS points, arg_max(n, b) AS latest, avg(n) AS mean, coalesce(stddev_samp(n), 0) AS sd,"
    + @" sum(n) AS total
  FROM buckets GROUP BY s)";
using var cmd = connection.CreateCommand();
cmd.CommandText = sql;
using var reader = cmd.ExecuteReader();
reader.Read();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"duckdb query={query} hosts={reader.GetInt64(0)} host_buckets={reader.GetValue(1)} records={reader.GetValue(2)} "
        + $"seconds={clock.Elapsed.TotalSeconds:F3}"));
return 0;

// The first query of the matrix: each REJECT row's addresses to integers through a regexp and four casts.
string Regexp()
{
    Exec(@"CREATE MACRO ip4(s) AS CASE WHEN regexp_full_match(s, '[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}')
        THEN (split_part(s, '.', 1)::BIGINT << 24) + (split_part(s, '.', 2)::BIGINT << 16)"
        + @" + (split_part(s, '.', 3)::BIGINT << 8) + split_part(s, '.', 4)::BIGINT END");
    Exec("CREATE MACRO internal(i) AS (i >> 24 = 10) OR (i >> 20 = 2753) OR (i >> 16 = 49320)");
    return $@"
WITH rec AS (
  SELECT ip4({srcaddr}) AS s, ip4({dstaddr}) AS d, {dstaddr} AS dstaddr, {start} AS t
  FROM {source}
  WHERE {reject}
), buckets AS (
  SELECT s, t // 3600 AS b, count(*) AS n FROM rec
  WHERE s IS NOT NULL AND internal(s) AND ((d IS NOT NULL AND NOT internal(d))"
        + $@" OR (d IS NULL AND contains(dstaddr, ':')))
    AND t >= {from} AND t < {to}
  GROUP BY s, b
)";
}

// RFC 1918 by text prefix (172.16/12 through its second octet), the source grouped as text.
string Prefix(Func<string, string> isInternal) => $@"
WITH buckets AS (
  SELECT {srcaddr} AS s, {start} // 3600 AS b, count(*) AS n
  FROM {source}
  WHERE {reject} AND ({isInternal(srcaddr)}) AND NOT ({isInternal(dstaddr)})
    AND {start} >= {from} AND {start} < {to}
  GROUP BY ALL
)";

static string Second(string a) => $"TRY_CAST(split_part({a}, '.', 2) AS INT) BETWEEN 16 AND 31";
