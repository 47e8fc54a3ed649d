using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// The keys of a settings file that nothing reads. A key is read when it lands on a property the configuration
/// binder would set (by reflection over the options types, as the binder walks them: properties by name without
/// regard to case, dictionaries by any key, lists by index) or lies under a section the code reads directly.
/// </summary>
internal static class ConfigurationKeys
{
    public static IReadOnlyList<string> Unread(JsonObject settings, IReadOnlyCollection<SectionBinding> bindings, IReadOnlyCollection<string> readDirectly) =>
        Leaves(settings, [])
            .Where(key => !readDirectly.Any(section => Under(key, Split(section), out _))
                && !bindings.Any(binding => Under(key, Split(binding.Section), out var rest) && Binds(binding.Options, rest)))
            .Select(key => string.Join(':', key))
            .ToList();

    /// <summary>Each value's path; an empty object or array counts as a value, so an empty section is checked too.</summary>
    private static IEnumerable<string[]> Leaves(JsonNode? node, string[] path) => node switch
    {
        JsonObject { Count: > 0 } section => section.SelectMany(child => Leaves(child.Value, [.. path, child.Key])),
        JsonArray { Count: > 0 } list => list.SelectMany((item, index) => Leaves(item, [.. path, index.ToString(System.Globalization.CultureInfo.InvariantCulture)])),
        _ => [path],
    };

    private static string[] Split(string section) => section.Split(':');

    private static bool Under(string[] key, string[] section, out string[] rest)
    {
        rest = key.Length >= section.Length ? key[section.Length..] : [];
        return key.Length >= section.Length
            && section.Zip(key).All(pair => pair.First == "*" || string.Equals(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase));
    }

    private static bool Binds(Type type, ReadOnlySpan<string> rest)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (rest.IsEmpty)
        {
            return true;
        }

        if (IsScalar(type))
        {
            return false;
        }

        if (DictionaryValue(type) is { } value)
        {
            return Binds(value, rest[1..]);
        }

        if (Element(type) is { } element)
        {
            return int.TryParse(rest[0], out _) && Binds(element, rest[1..]);
        }

        // The binder sets public setters, and fills a get-only property only when it holds an object or collection.
        var property = type.GetProperty(rest[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { GetMethod.IsPublic: true }
            && (property.SetMethod is { IsPublic: true } || !IsScalar(property.PropertyType))
            && Binds(property.PropertyType, rest[1..]);
    }

    /// <summary>A type the binder converts from one string (numbers, TimeSpan, Uri, enums, ...).</summary>
    private static bool IsScalar(Type type) =>
        type == typeof(string) || TypeDescriptor.GetConverter(Nullable.GetUnderlyingType(type) ?? type).CanConvertFrom(typeof(string));

    private static Type? DictionaryValue(Type type) =>
        GenericInterface(type, typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)) is { } dictionary
            && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;

    private static Type? Element(Type type) =>
        type.IsArray ? type.GetElementType() : GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? GenericInterface(Type type, params Type[] definitions) =>
        (type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
            .FirstOrDefault(candidate => candidate.IsGenericType && definitions.Contains(candidate.GetGenericTypeDefinition()));
}
