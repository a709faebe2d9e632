namespace FlowSpike.Records;

/// <summary>An input ready to read: the (inflated) stream, what it holds, and whether it was compressed.</summary>
internal sealed class OpenedInput(Stream stream, InputFormat format, bool compressed,
    string? tempFile = null) : IDisposable
{
    public Stream Stream { get; } = stream;
    public InputFormat Format { get; } = format;
    public bool Compressed { get; } = compressed;

    public void Dispose()
    {
        Stream.Dispose();
        if (tempFile is not null)
            File.Delete(tempFile);
    }
}
