using System.Text;
using CsCheck;
using Switchyard.Tests.Fuzz;
using static Switchyard.Tests.Fuzz.FuzzDraw;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>
/// Converse requests with image blocks (good, lying, bad base64, unknown formats) and tool configurations
/// (schemas of every shape, toolChoice auto/any/tool, unknown tools), then mutated by <see cref="JsonFuzz"/>.
/// </summary>
public sealed class ConverseImageToolGen : Gen<FuzzCase>
{
    private static readonly string[] Keys =
    [
        "messages", "role", "content", "text", "image", "format", "source", "bytes", "toolConfig", "tools", "toolSpec", "name",
        "inputSchema", "json", "type", "properties", "items", "required", "enum", "const", "$ref", "$defs", "anyOf", "minItems",
        "minLength", "maxLength", "minimum", "toolChoice", "auto", "any", "tool", "inferenceConfig", "maxTokens", "",
    ];

    private static readonly JsonFuzz Json = new(Keys, [.. Keys, "png", "jpeg", "object", "string", "integer", "array", "user", "assistant", "weather"], JsonFuzz.EdgeNumbers);

    private static readonly string[] Images = ["iVBORw0KGgoAAAANSUhEUgECAwQ=", "iVBORw0KGgoAAAANSUhEUgECAwQ=", "Qk0=", "%%%", "", "R0lGODlhAQABAAAAACw="];

    private static readonly string[] Schemas =
    [
        """{"type":"object"}""",
        """{"type":"object","properties":{"a":{"type":"string","minLength":3,"maxLength":2},"b":{"type":["integer","null"],"minimum":1e308}}}""",
        """{"type":"object","properties":{"l":{"type":"array","minItems":100000,"items":{"$ref":"#/$defs/x"}}},"$defs":{"x":{"$ref":"#/$defs/x"}}}""",
        """{"type":"object","properties":{"e":{"enum":[]},"c":{"const":{"k":[1,2]}},"o":{"anyOf":[]}}}""",
        """{"type":"string"}""",
        """{"type":"object","properties":{"deep":{"type":"object","properties":{"deeper":{"$ref":"#"}}}}}""",
    ];

    public override FuzzCase Generate(PCG pcg, Size? min, out Size size)
    {
        size = new Size(0);
        var content = new List<JsonTree> { new JsonObject([]).Add("text", JsonTree.String("What is this?")) };
        if (Chance(pcg, 60))
        {
            content.Add(new JsonObject([]).Add("image", new JsonObject([])
                .Add("format", JsonTree.String(Pick(pcg, ["png", "png", "jpeg", "gif", "webp", "bmp", ""])))
                .Add("source", new JsonObject([]).Add("bytes", JsonTree.String(Pick(pcg, Images))))));
        }

        var request = new JsonObject([]).Add("messages", new JsonArray([new JsonObject([]).Add("role", JsonTree.String("user")).Add("content", new JsonArray(content))]));
        if (Chance(pcg, 70))
        {
            var choice = Between(pcg, 0, 3) switch
            {
                0 => new JsonObject([]).Add("auto", new JsonObject([])),
                1 => new JsonObject([]).Add("any", new JsonObject([])),
                2 => new JsonObject([]).Add("tool", new JsonObject([]).Add("name", JsonTree.String("answer"))),
                _ => new JsonObject([]).Add("tool", new JsonObject([]).Add("name", JsonTree.String("nope"))),
            };
            request.Add("toolConfig", new JsonObject([])
                .Add("tools", new JsonArray([new JsonObject([]).Add("toolSpec", new JsonObject([])
                    .Add("name", JsonTree.String(Pick(pcg, ["answer", "answer", "bad name", ""])))
                    .Add("inputSchema", new JsonObject([]).Add("json", JsonTree.Raw(Pick(pcg, Schemas)))))]))
                .Add("toolChoice", choice));
        }

        for (var mutations = Pick(pcg, [0, 0, 1, 1, 2, 3]); mutations > 0; mutations--)
        {
            Json.Mutate(pcg, request);
        }

        var body = Encoding.UTF8.GetBytes(request.ToString());
        return new FuzzCase(Chance(pcg, 10) ? JsonFuzz.Corrupt(pcg, body) : body, "application/json", null, Path: Chance(pcg, 30) ? "model/anthropic.claude-sonnet-4-6/converse-stream" : "");
    }
}
