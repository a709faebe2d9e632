using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>s3:// inputs against a real S3-compatible server on 127.0.0.1.</summary>
public sealed class S3Tests : IClassFixture<S3Tests.Data>
{
    /// <summary>The synthetic data set uploaded once for the class.</summary>
    public sealed class Data : IDisposable
    {
        public Data()
        {
            Set = SynthData.Get(SynthLayout.DefaultWithHeader);
            Server = new S3Server();
            Server.Upload(Set.Logs, "flows/AWSLogs/");
        }

        public S3Server Server { get; }
        internal SynthData.DataSet Set { get; }

        public void Dispose() => Server.Dispose();
    }

    private readonly Data _data;

    public S3Tests(Data data) => _data = data;

    private InputOptions Inputs(string input) => new() { Inputs = [input], S3 = _data.Server.Settings };

    [Fact]
    public void Baseline_and_detect_from_s3_equal_the_local_run()
    {
        using var dir = new TempDir();
        string localState = dir.File("local.db"), localAlerts = dir.File("local.jsonl");
        Pipeline.Baseline(localState, _data.Set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(localState, _data.Set.Logs, localAlerts,
            new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End });

        string s3State = dir.File("s3.db"), s3Alerts = dir.File("s3.jsonl");
        using (var store = SqliteStateStore.Open(s3State))
        {
            BaselineRun.Execute(store, Inputs($"s3://{S3Server.Bucket}/flows/"), SynthData.From, SynthData.BaselineEnd,
                3600, NullRunLog.Instance);
            using var sink = new FileAlertSink(s3Alerts);
            DetectRun.Execute(store, Inputs($"s3://{S3Server.Bucket}/flows/"),
                new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End }, sink, NullRunLog.Instance,
                TestContext.Current.CancellationToken);
        }
        Assert.NotEmpty(File.ReadAllText(localAlerts));
        Assert.Equal(File.ReadAllText(localAlerts), File.ReadAllText(s3Alerts));
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(localState)), LookupCsv.ToText(Pipeline.Lookup(s3State)));
    }

    [Fact]
    public void One_hour_lists_only_that_days_keys()
    {
        long hour = SynthData.BaselineEnd + 12 * 3600; // 2026-10-08T12:00Z
        var settings = _data.Server.Settings with { ListPageSize = 100 };
        var requests = _data.Server.Requests;

        requests.Clear();
        var all = InputSet.Expand([$"s3://{S3Server.Bucket}/flows/AWSLogs/"], null, null, settings);
        int unpruned = requests.Count(r => r.Contains("list-type=2", StringComparison.Ordinal));
        // 10 days x 24 hours x 2 accounts x 2 files, 100 keys a page.
        Assert.Equal(960, all.Count);
        Assert.Equal(10, unpruned);

        requests.Clear();
        var files = InputSet.Expand([$"s3://{S3Server.Bucket}/flows/AWSLogs/"], hour, hour + 3600, settings);
        var lists = requests.Where(r => r.Contains("list-type=2", StringComparison.Ordinal)).ToList();
        // Per account: a page that starts on day 1 jumps to day 8, the day-8 page meets day 9 and jumps past the
        // account; the last jump finds nothing more. 2 accounts: 1 + 2 + 2 = 5 requests.
        Assert.Equal(5, lists.Count);
        Assert.Contains(lists, r =>
            r.Contains("start-after=flows/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/10/08",
                StringComparison.Ordinal));
        // Two files per hour and account; names stamped 11:00 to 13:59 survive the hour of slack either side.
        Assert.Equal(2 * 2 * 3, files.Count);
        Assert.All(files, f => Assert.Matches("_20261008T1[123]", f.Path));
    }

    [Fact]
    public void Watch_over_s3_equals_detect()
    {
        using var dir = new TempDir();
        string refState = dir.File("ref.db"), refAlerts = dir.File("ref.jsonl");
        Pipeline.Baseline(refState, _data.Set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(refState, _data.Set.Logs, refAlerts,
            new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End });

        string state = dir.File("watch.db"), alerts = dir.File("watch.jsonl");
        Pipeline.Baseline(state, _data.Set.Logs, SynthData.From, SynthData.BaselineEnd);
        string clock =
            dir.Write("clock", (SynthData.End + 600).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metrics = new FlowSpike.Watch.WatchMetrics();
        using (var store = SqliteStateStore.Open(state))
        using (var sink = new FileAlertSink(alerts))
        {
            FlowSpike.Watch.WatchRun.Execute(store, Inputs($"s3://{S3Server.Bucket}/flows/"),
                new FlowSpike.Watch.WatchRequest { Once = true, ClockFile = clock },
                sink, NullRunLog.Instance, metrics, TestContext.Current.CancellationToken);
            // Each object is in the ledger under its s3:// name with its ETag.
            var ledger = store.Ledger();
            Assert.True(ledger.Count > 0);
            Assert.All(ledger.Values, e =>
                Assert.StartsWith($"s3://{S3Server.Bucket}/flows/AWSLogs/", e.Path, StringComparison.Ordinal));
            Assert.All(ledger.Values, e => Assert.False(string.IsNullOrEmpty(e.Version)));
        }
        Assert.Equal(72, metrics.WindowsClosed);
        Assert.Equal(File.ReadAllText(refAlerts), File.ReadAllText(alerts));
        Assert.Equal(LookupCsv.ToText(Pipeline.Lookup(refState)), LookupCsv.ToText(Pipeline.Lookup(state)));
    }

    [Fact]
    public void Hive_hourly_layout_is_pruned_too()
    {
        using var dir = new TempDir();
        for (int day = 1; day <= 5; day++)
        {
            for (int hour = 0; hour < 24; hour++)
            {
                string stamp = $"202610{day:D2}T{hour:D2}00Z";
                dir.Write(
                    "aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=10/"
                    + $"day={day:D2}/hour={hour:D2}/111122223333_vpcflowlogs_us-east-1_fl-1_{stamp}_abcd.log.gz", "x");
            }
        }
        _data.Server.Upload(dir.Path, "hive/AWSLogs/");
        long t = new DateTimeOffset(2026, 10, 3, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var requests = _data.Server.Requests;
        requests.Clear();
        var files =
            InputSet.Expand([$"s3://{S3Server.Bucket}/hive/AWSLogs/"], t, t + 3600,
                _data.Server.Settings with { ListPageSize = 20 });
        var lists = requests.Where(r => r.Contains("list-type=2", StringComparison.Ordinal)).ToList();
        // The first page starts on day 1 and jumps to day=03/hour=09 (an hour of slack); that page reaches hour 12 and
        // jumps past the date tree; the last request finds nothing. Unpruned, 120 keys at 20 a page would take 6.
        Assert.Equal(3, lists.Count);
        Assert.Contains(lists, r =>
            r.Contains(
                "start-after=hive/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/"
                + "year=2026/month=10/day=03/hour=09", StringComparison.Ordinal));
        Assert.Equal(["T0900Z", "T1000Z", "T1100Z"],
            files.Select(f =>
                f.Path[(f.Path.IndexOf("T", f.Path.IndexOf("_20261003", StringComparison.Ordinal),
                    StringComparison.Ordinal))..][..6]));
    }

    [Fact]
    public void Hive_and_security_lake_date_folders_are_recognised()
    {
        Assert.Equal(new DatePrefix(2026, 10, 8, 17),
            DatePrefix.Extend(
                DatePrefix.Extend(
                    DatePrefix.Extend(DatePrefix.Extend(DatePrefix.None, "year=2026")!.Value, "month=10")!.Value,
                    "day=08")!.Value, "hour=17"));
        var day = DatePrefix.Extend(DatePrefix.None, "eventDay=20261008")!.Value;
        Assert.Equal((1791417600L, 1791504000L), day.Span());
        Assert.Null(DatePrefix.Extend(DatePrefix.None, "123456789012"));
        Assert.Equal(1791480000L,
            DatePrefix.FileStamp("123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20261008T1720Z_fe123456.log.gz"));
    }

    [Fact]
    public void A_missing_bucket_is_an_error_naming_it()
    {
        var e = Assert.Throws<FlowInputException>(() =>
            InputSet.Expand(["s3://no-such-bucket/x/"], null, null, _data.Server.Settings));
        Assert.Contains("s3://no-such-bucket/x/", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_object_key_is_read()
    {
        var files = InputSet.Expand([$"s3://{S3Server.Bucket}/flows/AWSLogs/"], null, null, _data.Server.Settings);
        string key = files[0].Path[($"s3://{S3Server.Bucket}/").Length..];
        var one = InputSet.Expand([$"s3://{S3Server.Bucket}/{key}"], null, null, _data.Server.Settings);
        Assert.Equal(files[0].Path, Assert.Single(one).Path);
        var r = Aggregation.FlowScanner.Scan(one,
            new Aggregation.ScanOptions { From = 0, To = 4_000_000_000, WindowSeconds = 3600 },
            TestContext.Current.CancellationToken);
        Assert.True(r.Diagnostics.Lines > 0);
        Assert.Equal(0, r.Diagnostics.Malformed);
    }
}
