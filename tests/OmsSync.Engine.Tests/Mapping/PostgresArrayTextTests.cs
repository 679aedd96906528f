using OmsSync.Engine.Errors;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using Xunit;

namespace OmsSync.Engine.Tests.Mapping;

/// <summary>PostgreSQL's array text read and written, and arrays and hstore carried as JSON both ways.</summary>
public sealed class PostgresArrayTextTests
{
    [Fact]
    public void QuotedElementsEscapesNullsAndNestingAreRead()
    {
        var array = PostgresArrayText.Parse("""{"a b","c\"d",NULL,"NULL","","é\\x",plain}""");
        Assert.Equal(["a b", "c\"d", null, "NULL", "", "é\\x", "plain"], array.Cast<string?>());
        var nested = PostgresArrayText.Parse("{{1,2},{3,NULL}}");
        Assert.Equal(["1", "2"], ((List<object?>)nested[0]!).Cast<string?>());
        Assert.Equal(["3", null], ((List<object?>)nested[1]!).Cast<string?>());
        Assert.Empty(PostgresArrayText.Parse("{}"));
        Assert.Equal(["(1,1),(0,0)", "(3,3),(2,2)"], PostgresArrayText.Parse("{(1,1),(0,0);(3,3),(2,2)}", ';').Cast<string?>());
    }

    [Theory]
    [InlineData("[0:1]={1,2}")]
    [InlineData("{1,2")]
    [InlineData("{{1,2},3}")]
    [InlineData("{{1,2},{3}}")]
    [InlineData("{\"a}")]
    [InlineData("{1,2}x")]
    public void MalformedOrBoundedArraysAreNotRead(string text) =>
        Assert.Throws<FormatException>(() => PostgresArrayText.Parse(text));

    [Fact]
    public void WrittenTextReadsBackTheSameItems()
    {
        List<object?> items = ["a b", "c\"d\\e", null, "NULL", "", "{x}"];
        var text = PostgresArrayText.Write(items);
        Assert.Equal("""{"a b","c\"d\\e",NULL,"NULL","","{x}"}""", text);
        Assert.Equal(items, PostgresArrayText.Parse(text));
        Assert.Equal("{}", PostgresArrayText.Write([]));
        List<object?> nested = [new List<object?> { "1", null }, new List<object?> { "3", "4" }];
        Assert.Equal("""{{"1",NULL},{"3","4"}}""", PostgresArrayText.Write(nested));
    }

    [Theory]
    [InlineData("{1,NULL,-3}", "integer", "[1, null, -3]")]
    [InlineData("{1.50,NULL,0.001}", "numeric(10,3)", "[1.50, null, 0.001]")]
    [InlineData("{1e+100,-0,1.5e-07}", "double precision", "[1e+100, -0, 1.5e-07]")]
    [InlineData("{t,f,NULL}", "boolean", "[true, false, null]")]
    [InlineData("""{"{\"a\": 1}","[1, 2]","\"s\"",NULL}""", "jsonb", """[{"a": 1}, [1, 2], "s", null]""")]
    [InlineData("""{"a b","q\"uote","back\\slash",NULL,"NULL","",é}""", "text", """["a b", "q\"uote", "back\\slash", null, "NULL", "", "é"]""")]
    [InlineData("{{1,2},{3,4}}", "integer", "[[1, 2], [3, 4]]")]
    [InlineData("{}", "integer", "[]")]
    [InlineData("{\"2024-01-02 03:04:05\"}", "timestamp without time zone", "[\"2024-01-02 03:04:05\"]")]
    public void ArraysBecomeJsonWithTheirElementsKinds(string text, string elementType, string json)
    {
        Assert.Equal(json, PostgresArrayJson.ToJson(text, elementType));
    }

    [Fact]
    public void ControlCharactersAreEscapedAsJsonbEscapesThem() =>
        Assert.Equal("[\"a\\nb\\u0001\"]", PostgresArrayJson.ToJson("{\"a\nb\u0001\"}", "text"));

    [Theory]
    [InlineData("{NaN}", "numeric")]
    [InlineData("{Infinity,1}", "double precision")]
    [InlineData("{1,\"null\"}", "jsonb")]
    [InlineData("[0:1]={1,2}", "integer")]
    public void ArraysJsonCannotHoldFaithfullyAreRefused(string text, string elementType) =>
        Assert.Throws<FormatException>(() => PostgresArrayJson.ToJson(text, elementType));

    [Theory]
    [InlineData("[1, null, -3]", "integer", "{\"1\",NULL,\"-3\"}")]
    [InlineData("[[1, 2], [3, 4]]", "integer", "{{\"1\",\"2\"},{\"3\",\"4\"}}")]
    [InlineData("[true, false]", "boolean", "{\"t\",\"f\"}")]
    [InlineData("""[{"a": 1}, "s"]""", "jsonb", """{"{\"a\": 1}","\"s\""}""")]
    [InlineData("""["a b", "q\"uote", "é"]""", "text", """{"a b","q\"uote","é"}""")]
    [InlineData("[]", "text", "{}")]
    public void JsonArraysBecomePostgreSqlArrayText(string json, string elementType, string text) =>
        Assert.Equal(text, PostgresArrayJson.FromJson(json, elementType));

    [Theory]
    [InlineData("{\"a\": 1}", "integer")]
    [InlineData("5", "integer")]
    [InlineData("[[1, 2], 3]", "integer")]
    [InlineData("[[1, 2], [3]]", "integer")]
    [InlineData("[[]]", "integer")]
    [InlineData("[\"5\"]", "integer")]
    [InlineData("[1]", "text")]
    [InlineData("[1]", "boolean")]
    [InlineData("not json", "text")]
    public void JsonThatIsNotAnArrayOfTheElementsIsRefused(string json, string elementType) =>
        Assert.Throws<FormatException>(() => PostgresArrayJson.FromJson(json, elementType));

    [Fact]
    public void RefusalsNameTableColumnAndValue()
    {
        var pg = new ColumnSchema { Name = "tags", Ordinal = 1, DataType = "array", ColumnType = "integer[]" };
        var mysql = new ColumnSchema { Name = "tags", Ordinal = 1, DataType = "json", ColumnType = "json" };
        var forward = Assert.Throws<OmsException>(() => MySqlValueText.For("public.t", pg, mysql)("[0:1]={1,2}"));
        Assert.Equal("ValueNotRepresentable", forward.ErrorId);
        Assert.Contains("public.t", forward.Message);
        Assert.Contains("column tags", forward.Message);
        Assert.Contains("[0:1]={1,2}", forward.Message);
        var back = Assert.Throws<OmsException>(() => PostgresInputText.For("public.t", pg)!("{\"a\": 1}"));
        Assert.Equal("ValueNotRepresentable", back.ErrorId);
        Assert.Contains("column tags", back.Message);
        Assert.Contains("{\"a\": 1}", back.Message);
    }

    [Fact]
    public void HstoreIsAJsonObjectOfStringsAndNulls()
    {
        const string text = "\"a\"=>\"1\", \"b\"=>NULL, \"c d\"=>\"x\\\"y\", \"é\"=>\"back\\\\slash\"";
        var json = HstoreJson.ToJson(text);
        Assert.Equal("{\"a\": \"1\", \"b\": null, \"c d\": \"x\\\"y\", \"é\": \"back\\\\slash\"}", json);
        Assert.Equal(text, HstoreJson.FromJson(json));
        Assert.Equal("{}", HstoreJson.ToJson(""));
        Assert.Throws<FormatException>(() => HstoreJson.FromJson("{\"a\": 1}"));
        Assert.Throws<FormatException>(() => HstoreJson.FromJson("[1]"));
    }
}
