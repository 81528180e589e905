using YamlDotNet.RepresentationModel;

namespace Referrals.Service.Tests.Deployment;

/// <summary>Reading parsed YAML by key, failing with the path that is missing.</summary>
public static class DeploymentYaml
{
    public static IReadOnlyList<YamlMappingNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(document => (YamlMappingNode)document.RootNode).ToList();
    }

    public static YamlMappingNode Map(this YamlNode node, string key) => (YamlMappingNode)node.Child(key);

    public static IReadOnlyList<YamlNode> Seq(this YamlNode node, string key) => ((YamlSequenceNode)node.Child(key)).Children.ToList();

    public static string Text(this YamlNode node, string key) => ((YamlScalarNode)node.Child(key)).Value!;

    public static string? TextOrNull(this YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var child) ? ((YamlScalarNode)child).Value : null;

    public static bool Has(this YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(new YamlScalarNode(key));

    public static IReadOnlyList<string> Keys(this YamlNode node) =>
        ((YamlMappingNode)node).Children.Keys.Select(key => ((YamlScalarNode)key).Value!).ToList();

    /// <summary>A sequence of scalars (a command, a list of targets) as strings.</summary>
    public static IReadOnlyList<string> Texts(this YamlNode node, string key) =>
        node.Seq(key).Select(item => ((YamlScalarNode)item).Value!).ToList();

    private static YamlNode Child(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new KeyNotFoundException($"no '{key}' at line {node.Start.Line}");
}
