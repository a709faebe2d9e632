using Parquet;
using Parquet.Schema;

namespace FlowSpike.Tests.Support;

/// <summary>One VPC flow record as Security Lake stores it; the interface may sit on either endpoint.</summary>
public sealed record LakeRow(
    string Src, int SrcPort, string Dst, int DstPort, long TimeMs, bool Reject, string? Account,
    string? SrcInterface = null, string? DstInterface = null, string? Vpc = null);

/// <summary>Security Lake's OCSF versions for VPC flow logs (source version 1.0 and 2.0).</summary>
public enum LakeOcsf
{
    /// <summary>OCSF 1.0.0-rc.2: cloud.account_uid, disposition_id, activity_id 5 Refuse for a REJECT, type_uid
    /// INT32.</summary>
    V1_0_0_Rc2,

    /// <summary>OCSF 1.1.0: cloud.account.uid, action/action_id, no disposition_id, type_uid INT64, the
    /// *_dt timestamps, and Security Lake's accountid/region/asl_version partition columns.</summary>
    V1_1_0,
}

/// <summary>
/// Writes Amazon Security Lake's OCSF Network Activity (class 4001) Parquet for VPC flow logs, written for FlowSpike's
/// tests from the column names and types in AWS's Security Lake documentation. Every row is a TCP flow in eu-west-1.
/// </summary>
public static class SecurityLakeParquet
{
    public static void Write(string path, LakeOcsf version, IReadOnlyList<LakeRow> rows)
    {
        bool rc2 = version == LakeOcsf.V1_0_0_Rc2;
        var columns = new Columns(rows);
        columns.Struct("metadata", m => m
            .Struct("product", p => p
                .Text("version", _ => rc2 ? "1.0" : "2.0")
                .Text("name", _ => "Amazon VPC")
                .Struct("feature", f => f.Text("name", _ => "Flowlogs"))
                .Text("vendor_name", _ => "AWS"))
            .Text("version", _ => rc2 ? "1.0.0-rc.2" : "1.1.0"));
        columns.Struct("cloud", c =>
        {
            if (rc2)
                c.Text("account_uid", r => r.Account);
            else
                c.Struct("account", a => a.Text("uid", r => r.Account));
            c.Text("region", _ => "eu-west-1").Text("zone", _ => null).Text("provider", _ => "AWS");
        });
        columns.Struct("src_endpoint", e => Endpoint(e, r => r.Src, r => r.SrcPort, r => r.SrcInterface, r => r.Vpc));
        columns.Struct("dst_endpoint", e => Endpoint(e, r => r.Dst, r => r.DstPort, r => r.DstInterface, r => null));
        columns.Struct("connection_info", c => c
            .Int("protocol_num", _ => 6)
            .Int("tcp_flags", _ => 2)
            .Int("direction_id", _ => 0)
            .Text("direction", _ => "Unknown"));
        columns.Struct("traffic", t => t.Long("packets", _ => 1).Long("bytes", _ => 60));
        columns.Long("time", r => r.TimeMs, required: true);
        if (rc2)
        {
            columns.Long("start_time", r => r.TimeMs).Long("end_time", r => r.TimeMs + 60_000);
        }
        else
        {
            columns.Time("time_dt", r => r.TimeMs).Time("start_time_dt", r => r.TimeMs)
                .Time("end_time_dt", r => r.TimeMs + 60_000);
        }
        columns.Text("status_code", _ => "OK")
            .Int("severity_id", _ => 1, required: true)
            .Text("severity", _ => "Informational", required: true)
            .Text("class_name", _ => "Network Activity", required: true)
            .Int("class_uid", _ => 4001, required: true)
            .Text("category_name", _ => "Network Activity", required: true)
            .Int("category_uid", _ => 4, required: true)
            .Text("activity_name", r => r.Reject ? "Refuse" : "Traffic", required: true)
            .Int("activity_id", r => r.Reject ? 5 : 6, required: true);
        if (rc2)
        {
            columns.Text("disposition", r => r.Reject ? "Blocked" : "Allowed", required: true)
                .Int("disposition_id", r => r.Reject ? 2 : 1, required: true)
                .Int("type_uid", r => r.Reject ? 400105 : 400106, required: true);
        }
        else
        {
            columns.Text("action", r => r.Reject ? "Denied" : "Allowed")
                .Int("action_id", r => r.Reject ? 2 : 1)
                .Text("disposition", r => r.Reject ? "Blocked" : "Allowed")
                .Long("type_uid", r => r.Reject ? 400105 : 400106, required: true);
        }
        columns.Text("type_name", r => r.Reject ? "Network Activity: Refuse" : "Network Activity: Traffic",
            required: true);
        if (!rc2)
        {
            columns.Text("accountid", r => r.Account).Text("region", _ => "eu-west-1")
                .Text("asl_version", _ => "2.0");
        }
        columns.Write(path);
    }

    private static Columns Endpoint(Columns e, Func<LakeRow, string> ip, Func<LakeRow, int> port,
        Func<LakeRow, string?> iface, Func<LakeRow, string?> vpc) => e
        .Int("port", r => port(r))
        .Text("svc_name", _ => null)
        .Text("ip", ip)
        .Text("interface_uid", iface)
        .Text("vpc_uid", vpc)
        .Text("instance_uid", _ => null)
        .Text("subnet_uid", _ => null);

    /// <summary>A schema under construction and, per leaf, how to write its values.</summary>
    private sealed class Columns(IReadOnlyList<LakeRow> rows)
    {
        private readonly List<Field> _fields = [];
        private readonly List<Action<ParquetRowGroupWriter, DataField>> _writers = [];

        public Columns Text(string name, Func<LakeRow, string?> value, bool required = false)
        {
            _fields.Add(new DataField<string>(name, nullable: !required));
            _writers.Add((g, f) => g.WriteAsync(f, rows.Select(value).ToArray(), null).GetAwaiter().GetResult());
            return this;
        }

        public Columns Int(string name, Func<LakeRow, int> value, bool required = false) =>
            Value(name, value, required);

        public Columns Long(string name, Func<LakeRow, long> value, bool required = false) =>
            Value(name, value, required);

        /// <summary>A timestamp column, as Security Lake's *_dt columns are.</summary>
        public Columns Time(string name, Func<LakeRow, long> milliseconds) =>
            Value(name, r => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds(r)).UtcDateTime, false);

        private Columns Value<T>(string name, Func<LakeRow, T> value, bool required) where T : struct
        {
            if (required)
            {
                _fields.Add(new DataField<T>(name));
                _writers.Add((g, f) =>
                    g.WriteAsync(f, (ReadOnlyMemory<T>)rows.Select(value).ToArray()).GetAwaiter().GetResult());
            }
            else
            {
                _fields.Add(new DataField<T?>(name));
                _writers.Add((g, f) => g.WriteAsync(f, (ReadOnlyMemory<T?>)rows.Select(r => (T?)value(r)).ToArray())
                    .GetAwaiter().GetResult());
            }
            return this;
        }

        public Columns Struct(string name, Action<Columns> fields)
        {
            var inner = new Columns(rows);
            fields(inner);
            _fields.Add(new StructField(name, [.. inner._fields]));
            _writers.AddRange(inner._writers);
            return this;
        }

        public void Write(string path)
        {
            var schema = new ParquetSchema([.. _fields]);
            using var file = File.Create(path);
            var writer = ParquetWriter.CreateAsync(schema, file).GetAwaiter().GetResult();
            try
            {
                using var group = writer.CreateRowGroup();
                var leaves = schema.GetDataFields();
                for (int i = 0; i < leaves.Length; i++)
                    _writers[i](group, leaves[i]);
            }
            finally
            {
                writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }
}
