using System.Text.Json;

namespace FlowSpike.Tests.Support;

/// <summary>The IAM policies in deploy/iam, read as the tests compare them with the calls FlowSpike makes.</summary>
public static class IamPolicies
{
    /// <summary>Every action the policy's statements allow, in order.</summary>
    public static List<string> Actions(string file)
    {
        using var policy =
            JsonDocument.Parse(File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "deploy", "iam", file)));
        return [.. policy.RootElement.GetProperty("Statement").EnumerateArray()
            .Select(st => st.GetProperty("Action").GetString()!).Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)];
    }
}
