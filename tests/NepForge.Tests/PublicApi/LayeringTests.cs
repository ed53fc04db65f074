using System.Reflection;
using System.Reflection.Emit;

namespace NepForge.Tests.PublicApi;

/// <summary>
/// Issue 16: the library's namespaces form layers, so the cycles removed there cannot come back: Structures sits below
/// Formats (Formats reads into Structures' frames), Formats below Dft (the parsers of DFT outputs know nothing of
/// NepForge's job folders) and Training below Plotting (the report plots training errors).
/// Every type of a namespace is scanned: base types, interfaces, fields, properties, signatures and the types, fields
/// and methods its IL refers to (lambdas and iterators are nested types, so they are scanned too).
/// </summary>
public class LayeringTests
{
    static readonly Assembly Library = typeof(NepForge.Nep.NepCalculator).Assembly;

    [Theory]
    [InlineData("NepForge.Structures", "NepForge.Formats")]
    [InlineData("NepForge.Training", "NepForge.Plotting")]
    [InlineData("NepForge.Formats", "NepForge.Dft")]
    public void A_lower_layer_does_not_use_a_higher_one(string lower, string higher)
    {
        var edges = References(lower, higher).ToList();
        Assert.True(edges.Count == 0, $"{lower} must not use {higher}:\n{string.Join('\n', edges.Take(20))}");
    }

    [Fact]
    public void The_scanner_sees_real_edges()
    {
        // The downward edges exist: if these were empty the scan above would prove nothing.
        Assert.Contains(References("NepForge.Formats", "NepForge.Structures"), e => e.Contains("Frame", StringComparison.Ordinal));
        Assert.Contains(References("NepForge.Plotting", "NepForge.Training"), e => e.Contains("NepErrorTable", StringComparison.Ordinal));
    }

    static bool In(string? ns, string prefix) => ns is not null && (ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal));

    /// <summary>"Type → referenced type" lines for every use of <paramref name="higher"/> by a type of <paramref name="lower"/>.</summary>
    static IEnumerable<string> References(string lower, string higher)
    {
        foreach (var type in Library.GetTypes().Where(t => In(t.Namespace, lower)))
        {
            foreach (var used in Uses(type).Distinct())
            {
                if (In(used.Namespace, higher))
                    yield return $"{type.FullName} → {used.FullName}";
            }
        }
    }

    static IEnumerable<Type> Uses(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var direct = new List<Type?> { type.BaseType };
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetFields(All).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        direct.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m is MethodInfo mi)
                direct.Add(mi.ReturnType);
            direct.AddRange(m.GetParameters().Select(p => p.ParameterType));
            if (m.GetMethodBody() is { } body)
            {
                direct.AddRange(body.LocalVariables.Select(l => l.LocalType));
                direct.AddRange(IlReferences(m, body.GetILAsByteArray() ?? []));
            }
        }
        return direct.OfType<Type>().SelectMany(Expand);
    }

    // A type and the types inside it: generic arguments, element types of arrays, pointers and by-refs.
    static IEnumerable<Type> Expand(Type t)
    {
        yield return t;
        if (t.HasElementType && t.GetElementType() is { } e)
        {
            foreach (var x in Expand(e))
                yield return x;
        }
        if (t.IsGenericType)
        {
            foreach (var x in t.GetGenericArguments().SelectMany(Expand))
                yield return x;
        }
    }

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    // Walks the IL and resolves every type, field and method token to the type it names or belongs to.
    static IEnumerable<Type> IlReferences(MethodBase method, byte[] il)
    {
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineType or OperandType.InlineTok or OperandType.InlineField or OperandType.InlineMethod:
                    int token = BitConverter.ToInt32(il, at);
                    MemberInfo? member = null;
                    try
                    {
                        member = method.Module.ResolveMember(token, typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                    }
                    if (member is Type t)
                        yield return t;
                    else if (member?.DeclaringType is { } owner)
                        yield return owner;
                    if (member is FieldInfo fi)
                        yield return fi.FieldType;
                    if (member is MethodInfo mi)
                    {
                        yield return mi.ReturnType;
                        foreach (var a in mi.GetGenericArguments())
                            yield return a;
                    }
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }
}
