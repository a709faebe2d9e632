using System.Reflection;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Shape;

/// <summary>
/// The public API of the embeddable library, snapshotted: a change to it shows in review as a change to
/// tests/FlowSpike.Tests/Shape/FlowSpike.api.txt. After an intended change, run the tests with
/// FLOWSPIKE_ACCEPT_API=1 to rewrite the snapshot, and commit it with the change.
/// </summary>
public sealed class PublicApiTests
{
    private static string Snapshot => Path.Combine(Samples.RepositoryRoot, "tests", "FlowSpike.Tests", "Shape",
        "FlowSpike.api.txt");

    [Fact]
    public void The_public_api_matches_its_snapshot()
    {
        string api = PublicApi.Describe(typeof(JobSettings).Assembly);
        if (Environment.GetEnvironmentVariable("FLOWSPIKE_ACCEPT_API") == "1")
            File.WriteAllText(Snapshot, api);
        Assert.True(File.Exists(Snapshot), $"{Snapshot} is missing: run with FLOWSPIKE_ACCEPT_API=1");
        string expected = File.ReadAllText(Snapshot);
        if (expected != api)
        {
            var added = api.Split('\n').Except(expected.Split('\n')).Take(10);
            var removed = expected.Split('\n').Except(api.Split('\n')).Take(10);
            Assert.Fail("the public API changed (run with FLOWSPIKE_ACCEPT_API=1 to accept):\n+ " +
                string.Join("\n+ ", added) + "\n- " + string.Join("\n- ", removed));
        }
    }

    [Fact]
    public void The_library_exposes_at_most_sixty_types()
    {
        // Issue 25's budget: an embedder meets Engine, its settings and summaries, the log and the errors.
        var exported = typeof(JobSettings).Assembly.GetExportedTypes();
        Assert.True(exported.Length <= 60, $"{exported.Length} public types: " +
            string.Join(", ", exported.Select(t => t.FullName).Order(StringComparer.Ordinal)));
        Assert.Contains(typeof(FlowSpike.Engine), exported);
    }

    [Fact]
    public void The_description_sees_a_change_of_signature()
    {
        // The describer itself must tell members apart, or the snapshot could not fail.
        string a = PublicApi.Describe(typeof(Sample1));
        string b = PublicApi.Describe(typeof(Sample2));
        Assert.Contains("Run(System.Int32)", a, StringComparison.Ordinal);
        Assert.Contains("Run(System.Int64)", b, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
    }

    public sealed class Sample1
    {
        public void Run(int n) => GC.KeepAlive(n);
    }

    public sealed class Sample2
    {
        public void Run(long n) => GC.KeepAlive(n);
    }
}

/// <summary>One line per public type and member, sorted, in a stable text form.</summary>
internal static class PublicApi
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static |
        BindingFlags.DeclaredOnly;

    public static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
            lines.AddRange(Lines(type));
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines) + "\n";
    }

    public static string Describe(Type type) => string.Join("\n", Lines(type));

    private static IEnumerable<string> Lines(Type type)
    {
        string name = Name(type);
        yield return $"{Kind(type)} {name}{Bases(type)}";
        foreach (var m in type.GetMembers(Declared))
        {
            string? member = m switch
            {
                ConstructorInfo c => $"ctor({Parameters(c)})",
                MethodInfo mi when !mi.IsSpecialName && !IsRecordPlumbing(mi) =>
                    $"{(mi.IsStatic ? "static " : "")}{Name(mi.ReturnType)} {mi.Name}" +
                    $"{Generic(mi)}({Parameters(mi)})",
                PropertyInfo p when p.Name != "EqualityContract" =>
                    $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} " +
                    $"{p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : "")}" +
                    $"{(p.SetMethod?.IsPublic == true ? " set;" : "")} }}",
                FieldInfo f when !f.IsSpecialName => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}" +
                    $"{Name(f.FieldType)} {f.Name}",
                EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
                _ => null,
            };
            if (member is not null)
                yield return $"{name}: {member}";
        }
    }

    // What the compiler writes for a record (equality, ToString, Deconstruct, cloning) is no decision of ours.
    private static bool IsRecordPlumbing(MethodInfo m) => m.Name is "<Clone>$" or "PrintMembers" ||
        m.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false);

    private static string Kind(Type t) => t.IsEnum ? "enum" : t.IsInterface ? "interface"
        : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : "class";

    private static string Bases(Type t)
    {
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
            bases.Add(Name(b));
        bases.AddRange(t.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition
        ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">"
        : "";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        (p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "") + Name(p.ParameterType) +
        (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")));

    private static string Name(Type t)
    {
        if (t.IsByRef)
            return Name(t.GetElementType()!);
        if (t.IsArray)
            return Name(t.GetElementType()!) + "[]";
        if (t.IsGenericParameter)
            return t.Name;
        string name = (t.DeclaringType is { } outer ? Name(outer) + "." : t.Namespace + ".") +
            (t.IsGenericType ? t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)] : t.Name);
        if (t.IsGenericType)
            name += "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
        return name;
    }
}
