using System.Diagnostics;
using FlowSpike.Records;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Records;

/// <summary>Two hard links to one file are one input: told apart by device and inode, which `stat` confirms.</summary>
public class FileIdentityTests
{
    private static string Stat(string format, string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }

    [Fact]
    public void A_hard_link_is_the_same_file_and_is_read_once()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip("statx is Linux's");
        using var dir = new TempDir();
        string f = dir.Write("logs/a.log", new FlowLines().Add(1_790_812_800, "10.0.0.1", "8.8.8.8").ToString());
        string other = dir.Write("logs/c.log", new FlowLines().Add(1_790_812_800, "10.0.0.2", "8.8.8.8").ToString());
        string link = dir.File("logs/b.log");
        Shell.Run("ln", f, link);

        string? inode = FileIdentity.DeviceAndInode(f);
        Assert.NotNull(inode);
        Assert.EndsWith(":" + Stat("%i", f), inode, StringComparison.Ordinal);
        Assert.Equal(inode, FileIdentity.DeviceAndInode(link));
        Assert.NotEqual(inode, FileIdentity.DeviceAndInode(other));

        var files = InputSet.Expand([dir.File("logs")]);
        Assert.Equal(["a.log", "c.log"], files.Select(x => Path.GetFileName(x.Path)));
        // Spelled twice on the command line, too.
        Assert.Single(InputSet.Expand([f, link]));
    }
}
