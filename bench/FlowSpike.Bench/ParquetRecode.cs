using Parquet;

namespace FlowSpike.Bench;

/// <summary>
/// `parquet-recode IN_DIR OUT_DIR CODEC`: every Parquet file of a set rewritten by Parquet.Net with another codec
/// (same schema, rows and row groups), so the matrix has Parquet.Net's writer in both codecs.
/// </summary>
internal static class ParquetRecode
{
    public static int Run(string input, string output, string codec)
    {
        Directory.CreateDirectory(output);
        var method = Enum.Parse<CompressionMethod>(codec, ignoreCase: true);
        foreach (string file in Directory.EnumerateFiles(input, "*.parquet", SearchOption.AllDirectories).Order())
            Recode(file, Path.Combine(output, Path.GetFileName(file)), method).GetAwaiter().GetResult();
        return 0;
    }

    private static async Task Recode(string from, string to, CompressionMethod method)
    {
        await using var source = File.OpenRead(from);
        await using var reader = await ParquetReader.CreateAsync(source);
        await using var target = File.Create(to);
        var fields = reader.Schema.GetDataFields();
        await using var writer = await ParquetWriter.CreateAsync(reader.Schema, target,
            new ParquetOptions { CompressionMethod = method });
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            int rows = checked((int)rg.RowCount);
            using var wg = writer.CreateRowGroup();
            foreach (var f in fields)
            {
                if (f.ClrType == typeof(long))
                {
                    var values = new long?[rows];
                    await rg.ReadAsync(f, values.AsMemory());
                    await wg.WriteAsync(f, (ReadOnlyMemory<long?>)values);
                }
                else if (f.ClrType == typeof(int))
                {
                    var values = new int?[rows];
                    await rg.ReadAsync(f, values.AsMemory());
                    await wg.WriteAsync(f, (ReadOnlyMemory<int?>)values);
                }
                else
                {
                    var values = new string?[rows];
                    await rg.ReadAsync(f, values.AsMemory());
                    await wg.WriteAsync(f, values, null);
                }
            }
        }
    }
}
