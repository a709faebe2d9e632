using System.Globalization;
using System.Text;

namespace FlowSpike.Synth;

/// <summary>labels.csv: one line per injected spike (source, its detection window, the extra blocked
/// records).</summary>
internal static class SynthLabels
{
    /// <summary>Writes <paramref name="outDir"/>/labels.csv and returns its full path.</summary>
    public static string Write(string outDir, List<SynthSpike> labels)
    {
        Directory.CreateDirectory(outDir);
        var path = Path.GetFullPath(Path.Combine(outDir, "labels.csv"));
        var text = new StringBuilder("src_ip,window_start,window_end,extra_blocked\n");
        foreach (var label in labels)
        {
            text.Append(
                CultureInfo.InvariantCulture,
                $"{label.SrcIp},{label.WindowStart.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},"
                + $"{label.WindowEnd.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{label.ExtraBlocked}\n");
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }
}
