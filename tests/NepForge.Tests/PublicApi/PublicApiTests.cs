using System.Reflection;
using System.Text;

namespace NepForge.Tests.PublicApi;

/// <summary>
/// Pins the library's public surface (NepForge.Core): every public type and its public and protected members,
/// compared with the committed NepForge.Core.api.txt beside this file. A change to the surface fails here on purpose;
/// if it is intended, regenerate the file with <c>NEPFORGE_UPDATE_API=1 dotnet test --filter PublicApiTests</c>,
/// review the diff and commit it with the change.
/// </summary>
public class PublicApiTests
{
    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Public_surface_matches_the_committed_snapshot()
    {
        string actual = Describe(typeof(NepForge.Nep.NepCalculator).Assembly);
        string file = SnapshotPath();
        if (Environment.GetEnvironmentVariable("NEPFORGE_UPDATE_API") == "1")
            File.WriteAllText(file, actual);
        Assert.True(File.Exists(file), $"{file} is missing: run NEPFORGE_UPDATE_API=1 dotnet test --filter PublicApiTests and commit it");
        string expected = File.ReadAllText(file).ReplaceLineEndings("\n");
        if (expected == actual)
            return;
        var old = expected.Split('\n').ToHashSet(StringComparer.Ordinal);
        var now = actual.Split('\n').ToHashSet(StringComparer.Ordinal);
        var added = now.Except(old).Take(20).Select(l => "+ " + l);
        var removed = old.Except(now).Take(20).Select(l => "- " + l);
        Assert.Fail($"the public API of NepForge.Core changed:\n{string.Join('\n', removed.Concat(added))}\n" +
            $"If intended, run NEPFORGE_UPDATE_API=1 dotnet test tests/NepForge.Tests --filter PublicApiTests, review {file} and commit it.");
    }

    [Fact]
    public void Parsing_internals_are_not_public()
    {
        var assembly = typeof(NepForge.Nep.NepCalculator).Assembly;
        foreach (string name in new[] { "NepForge.IO.ByteTokenizer", "NepForge.IO.FastDouble", "NepForge.IO.Utf8LineReader", "NepForge.IO.FastDoubleFormat" })
        {
            var type = assembly.GetType(name);
            Assert.NotNull(type);
            Assert.False(type.IsPublic, $"{name} is an implementation detail and must stay internal");
        }
    }

    static string SnapshotPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NepForge.slnx")))
                return Path.Combine(dir.FullName, "tests", "NepForge.Tests", "PublicApi", "NepForge.Core.api.txt");
        }
        throw new InvalidOperationException("repository root (NepForge.slnx) not found above " + AppContext.BaseDirectory);
    }

    static string Describe(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(Kind(type)).Append(' ').Append(Name(type)).Append('\n');
            var members = type.GetMembers(Declared)
                .Where(Visible)
                .Where(m => !m.Name.Contains('<', StringComparison.Ordinal))
                .Where(m => m is not MethodInfo { IsSpecialName: true } || m.Name.StartsWith("op_", StringComparison.Ordinal))
                .Select(Member)
                .Order(StringComparer.Ordinal);
            foreach (string m in members)
                sb.Append("  ").Append(m).Append('\n');
        }
        return sb.ToString();
    }

    static bool Visible(MemberInfo m) => m switch
    {
        MethodBase b => b.IsPublic || b.IsFamily || b.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => (p.GetMethod ?? p.SetMethod) is { } a && (a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo e => e.AddMethod is { } a && (a.IsPublic || a.IsFamily),
        Type t => t.IsNestedPublic || t.IsNestedFamily,
        _ => false,
    };

    static string Kind(Type t) => t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct"
        : t.IsAbstract && t.IsSealed ? "static class" : typeof(Delegate).IsAssignableFrom(t) ? "delegate" : "class";

    static string Member(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"ctor({Params(c)})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}{Name(mi.ReturnType)} {mi.Name}{Generic(mi)}({Params(mi)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{{(p.GetMethod is { } g && (g.IsPublic || g.IsFamily) ? " get;" : "")}{(p.SetMethod is { } s && (s.IsPublic || s.IsFamily) ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(x => x.Name == "IsExternalInit") ? " init;" : " set;") : "")} }}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {Kind(t)} {Name(t)}",
        _ => m.Name,
    };

    static string Generic(MethodInfo m) => m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(Name)) + ">" : "";

    static string Params(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue?.ToString() ?? "null") : "")}"));

    static string Name(Type t)
    {
        if (t.IsByRef)
            return Name(t.GetElementType()!);
        if (t.IsArray)
            return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(t) is { } u)
            return Name(u) + "?";
        if (t.IsGenericParameter)
            return t.Name;
        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is { } ns ? ns + "." : "") + t.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
            name = name[..tick];
        return t.IsGenericType ? name + "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">" : name;
    }
}
