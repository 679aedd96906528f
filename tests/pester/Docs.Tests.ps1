# Docs that run: every example in the cmdlet help and every script in examples/ runs against the test
# servers and must succeed. Each help example gets a fresh state home with the data sources and tasks its
# text refers to (shop-primary, shop-to-dr, ...) and the shop database on the source server. The examples name
# servers as a reader's network would (10.0.0.5, dr.example.com); the suite maps those names to its servers.
BeforeDiscovery {
    $help = [xml](Get-Content -Raw (Join-Path $PSScriptRoot '../../module/en-US/OmsSync.PowerShell.dll-Help.xml'))
    $ns = [System.Xml.XmlNamespaceManager]::new($help.NameTable)
    $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
    $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
    $examples = foreach ($command in $help.SelectNodes('//command:command', $ns)) {
        $name = $command.SelectSingleNode('command:details/command:name', $ns).InnerText
        $index = 0
        foreach ($example in $command.SelectNodes('command:examples/command:example', $ns)) {
            $index++
            @{ Command = $name; Index = $index; Code = $example.SelectSingleNode('dev:code', $ns).InnerText }
        }
    }
    $scripts = Get-ChildItem (Join-Path $PSScriptRoot '../../examples') -Filter *.ps1 | ForEach-Object { @{ Script = $_.FullName; Name = $_.Name } }
}

BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $a = Get-TestServer MariaDbA
    $b = Get-TestServer MariaDbB
    $work = Join-Path ([IO.Path]::GetTempPath()) ("omssync-docs-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $work
    # What the examples' target databases are called on the target server.
    $targetDatabases = 'shop_v2', 'shop_sync', 'archive', 'shop_nightly', 'shop_test', 'shop_copy', 'shop_peer', 'shop'
    # The tasks the examples name; a task of the same name in the next example starts afresh.
    $taskNames = 'shop-to-dr', 'orders-2024', 'shop-active-active', 'shop-sync', 'shop-nightly', 'shop-test', 'demo-shop', 'sales-2025'

    # The shop the help examples move: every table has updated_at, for NewerWins.
    function Initialize-Shop {
        Invoke-TestSql MariaDbA @'
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop;
CREATE TABLE shop.customers (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, name VARCHAR(100) NOT NULL, updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
CREATE TABLE shop.orders (id INT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(12,2) NOT NULL, created DATETIME NOT NULL, updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
CREATE TABLE shop.order_items (order_id INT NOT NULL, line_no INT NOT NULL, sku VARCHAR(20) NOT NULL, qty INT NOT NULL, updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (order_id, line_no));
CREATE TABLE shop.audit_log (id INT PRIMARY KEY, what VARCHAR(100), updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
CREATE TABLE shop.tmp_import (id INT PRIMARY KEY, raw TEXT, updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6));
INSERT INTO shop.customers (id, email, name) SELECT seq, CONCAT('c', seq, '@example.com'), CONCAT('Customer ', seq) FROM shop.seq_1_to_50;
INSERT INTO shop.orders (id, customer_id, total, created) SELECT seq, 1 + seq % 50, seq * 1.25, '2023-06-01' + INTERVAL seq DAY FROM shop.seq_1_to_400;
INSERT INTO shop.order_items (order_id, line_no, sku, qty) SELECT o.seq, l.seq, CONCAT('SKU-', l.seq), l.seq FROM shop.seq_1_to_400 o JOIN shop.seq_1_to_2 l;
INSERT INTO shop.audit_log (id, what) VALUES (1, 'seeded');
'@
        foreach ($db in $targetDatabases) { Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``$db``" }
        Clear-TestTaskTrace $taskNames
    }

    # The data sources and tasks the help's examples name, on the suite's servers.
    function Initialize-World([switch] $NoDataSources, [switch] $NoTasks) {
        if ($NoDataSources) { return }
        $credential = New-TestCredential
        foreach ($source in @(
                @{ Name = 'shop-primary'; Server = $a }, @{ Name = 'shop-dr'; Server = $b }, @{ Name = 'archive'; Server = $b },
                @{ Name = 'dc1'; Server = $a }, @{ Name = 'dc2'; Server = $b }, @{ Name = 'shop-old'; Server = $a },
                @{ Name = 'test-1'; Server = $a }, @{ Name = 'test-2'; Server = $b })) {
            $null = New-OmsDataSource $source.Name -Type MariaDb -Server $source.Server.Server -Port $source.Server.Port -Credential $credential
        }
        if ($NoTasks) { return }
        $null = New-OmsTask shop-to-dr -Source shop-primary -Target shop-dr -Include 'shop.*' -Rename @{ shop = 'shop_v2' } -MigrationType Schema, Full, Incremental
        $null = New-OmsTask orders-2024 -Source shop-primary -Target archive -Include 'shop.orders' -Rename @{ 'shop' = 'archive'; 'shop.orders' = 'orders_2024' } -MigrationType Schema, Full
        $null = New-OmsTask shop-active-active -Source dc1 -Target dc2 -Include 'shop.*' -Exclude 'shop.tmp_*' -MigrationType Schema, Full, Incremental -Topology Bidirectional -Label prod
        $null = New-OmsTask shop-sync -Source shop-primary -Target shop-dr -Include 'shop.*' -Rename @{ shop = 'shop_sync' } -MigrationType Schema, Full, Incremental -Topology Bidirectional
        $null = New-OmsTask shop-nightly -Source shop-primary -Target shop-dr -Include 'shop.customers' -Rename @{ shop = 'shop_nightly' } -MigrationType Schema, Full -Label nightly
        $null = New-OmsTask shop-test -Source dc1 -Target dc2 -Include 'shop.audit_log' -Rename @{ shop = 'shop_test' } -MigrationType Schema, Full -Label test
    }

    # Back to the home's SQLite file, the server store's database dropped.
    function Reset-TestStateStore {
        Set-OmsStateStore Sqlite -Force -Confirm:$false
        [MySqlConnector.MySqlConnection]::ClearAllPools()
        Invoke-TestSql MariaDbA 'DROP DATABASE IF EXISTS omssync_meta'
    }

    # What an example needs beyond the world, run first in its scope; and the world it starts from.
    $setups = @{
        'New-OmsDataSource#1' = @{ World = 'Empty' }
        'New-OmsDataSource#2' = @{ World = 'Empty' }
        'New-OmsDataSource#4' = @{ World = 'Empty'; After = { "$((Get-OmsDataSource events).SecurityProtocol)" | Should -Be 'SaslSsl' } }
        'Set-OmsDataSource#3' = @{ World = 'Empty'; Before = '$null = New-OmsDataSource events -Type Kafka -Server kafka1.example.com:9092'
            After = { "$((Get-OmsDataSource events).SecurityProtocol) $((Get-OmsDataSource events).User)" | Should -Be 'SaslSsl cdc' } }
        'New-OmsDataSource#3' = @{ World = 'Empty'; Before = '$cred = Get-Credential oms; "Name,Type,Server`nshop-a,MariaDb,127.0.0.1`nshop-b,MySql,127.0.0.2" | Set-Content servers.csv' }
        'New-OmsTask#1' = @{ World = 'DataSources'; After = { "$((Get-OmsTask shop-to-dr).Status)" | Should -Be 'Created' } }
        'New-OmsTask#2' = @{ World = 'DataSources' }
        'New-OmsTask#3' = @{ World = 'DataSources' }
        'New-OmsTask#4' = @{ World = 'DataSources' }
        # Registering a Kafka data source and a task into it reaches no broker.
        'New-OmsTask#7' = @{ World = 'DataSources'; Before = '$null = New-OmsDataSource events -Type Kafka -Server kafka1.example.com:9092'
            After = { "$((Get-OmsTask shop-to-kafka).Status)" | Should -Be 'Created' } }
        'New-OmsTask#5' = @{ World = 'DataSources'; Before = '''Table,TargetName,RowFilter,Columns'',''shop.orders,archive.orders_2024,"created >= ''''2024-01-01''''","id,customer_id,total,created"'' | Set-Content objects.csv'
            After = { (Get-OmsTask orders-2024).Include | Should -Be 'shop.orders' } }
        'New-OmsTask#6' = @{ World = 'DataSources'
            Before = 'Invoke-TestSql MariaDbA "CREATE TABLE shop.sales (id INT NOT NULL, sold DATE NOT NULL, PRIMARY KEY (id, sold)) PARTITION BY RANGE (YEAR(sold)) (PARTITION p2024 VALUES LESS THAN (2025), PARTITION p2025 VALUES LESS THAN (2026), PARTITION p2026 VALUES LESS THAN (2027), PARTITION pmax VALUES LESS THAN MAXVALUE); INSERT INTO shop.sales SELECT seq, DATE ''2024-01-01'' + INTERVAL seq DAY FROM shop.seq_1_to_1400"'
            After = {
                Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM archive.sales' -Scalar | Should -Be (Invoke-TestSql MariaDbA 'SELECT COUNT(*) FROM shop.sales PARTITION (p2025, p2026)' -Scalar)
                (Get-OmsVerificationResult sales-2025 | Measure-Object Differences -Sum).Sum | Should -Be 0
            } }
        'Rename-OmsTask#1' = @{ After = { Get-OmsTask shop-nightly-2026 | Should -Not -BeNullOrEmpty } }
        # The state store examples use a database of their own on the source server, and go back to the home's file after.
        'Set-OmsStateStore#1' = @{ World = 'Empty'; Before = "Invoke-TestSql MariaDbA 'DROP DATABASE IF EXISTS omssync_meta'"
            After = { "$((Get-OmsStateStore).Type)" | Should -Be 'MariaDb'; Reset-TestStateStore } }
        'Set-OmsStateStore#2' = @{ Before = "Invoke-TestSql MariaDbA 'DROP DATABASE IF EXISTS omssync_meta'"
            After = { (Get-OmsTask shop-to-dr | Select-Object -First 1).Name | Should -Be 'shop-to-dr'; Reset-TestStateStore } }
        'Copy-OmsTask#1' = @{ After = { (Get-OmsTask shop-nightly-test).Target | Should -Be 'test-2' } }
        'Resume-OmsTask#1' = @{ Before = 'Stop-OmsTask shop-to-dr -WarningAction SilentlyContinue' }
        'Set-OmsTask#1' = @{ Before = 'Stop-OmsTask shop-sync -WarningAction SilentlyContinue' }
        'Set-OmsTask#2' = @{ Before = 'Stop-OmsTask shop-to-dr -WarningAction SilentlyContinue' }
        'Set-OmsTask#5' = @{ After = { Wait-TestTaskPhase shop-to-dr; Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM shop_v2.orders' -Scalar | Should -Be 400 } }
        'Set-OmsTask#6' = @{ Before = "Set-OmsTask shop-to-dr -Include 'shop.orders'; `$null = Start-OmsForward shop-to-dr -Wait; Wait-TestTaskPhase shop-to-dr"
            After = { Wait-TestCondition -What 'the joined table copied' -Condition { try { (Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM shop_v2.order_items' -Scalar) -eq 800 } catch { $false } } } }
        'Start-OmsVerification#1' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait' }
        'Start-OmsVerification#2' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait' }
        'Start-OmsVerification#3' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait' }
        'Start-OmsVerification#4' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait'
            After = { $results = Get-OmsVerificationResult nightly-check; $results.Count | Should -Be 5; ($results | Measure-Object Differences -Sum).Sum | Should -Be 0 } }
        'Get-OmsVerificationResult#2' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait; Invoke-TestSql MariaDbB "UPDATE shop_v2.orders SET total = 0 WHERE id = 7"; $null = Start-OmsVerification shop-to-dr -Wait' }
        'Repair-OmsDifference#1' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait; Invoke-TestSql MariaDbB "UPDATE shop_v2.orders SET total = 0 WHERE id = 7"; $null = Start-OmsVerification shop-to-dr -Wait'
            After = { Invoke-TestSql MariaDbB 'SELECT total FROM shop_v2.orders WHERE id = 7' -Scalar | Should -Be 8.75 } }
        'Enable-OmsReverse#1' = @{ Before = '$null = Start-OmsForward shop-sync -Wait'
            After = { Wait-TestTaskPhase shop-sync -Direction Reverse } }
        'Enable-OmsReverse#2' = @{ Before = '$null = Start-OmsForward shop-sync -Wait' }
        'Enable-OmsReverse#3' = @{ Before = '$null = Start-OmsForward shop-sync -Wait'
            After = { Wait-TestTaskPhase shop-sync -Direction Reverse; "$((Get-OmsTask shop-sync | Where-Object Direction -eq Reverse).DmlTypes)" | Should -Be 'Insert, Update' } }
        'Skip-OmsDdl#1' = @{ Before = '$null = Start-OmsForward shop-sync -Wait; Invoke-TestSql MariaDbA "ALTER TABLE shop.audit_log ADD COLUMN note VARCHAR(20)"; Wait-TestTaskPhase shop-sync -Status Suspended'
            After = { Wait-TestTaskPhase shop-sync; "$((Get-OmsDdl shop-sync).Outcome)" | Should -Be 'Skipped' } }
        'Start-OmsForward#1' = @{ After = { Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM shop_v2.orders' -Scalar | Should -Be 400 } }
        'Start-OmsForward#2' = @{ After = { Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM archive.orders_2024' -Scalar | Should -Be 400 } }
        'Start-OmsForward#3' = @{ After = { Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM shop_nightly.customers' -Scalar | Should -Be 50 } }
        'Start-OmsForward#4' = @{ After = { Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM shop_v2.orders' -Scalar | Should -Be 400 } }
        'Remove-OmsTask#1' = @{ After = { Get-OmsTask shop-to-dr -ErrorAction SilentlyContinue | Should -BeNullOrEmpty } }
        'Switch-OmsTask#1' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait'; After = { (Get-OmsTask shop-to-dr).CutOver | Should -BeNullOrEmpty } }
        'Switch-OmsTask#2' = @{ Before = '$null = Start-OmsForward shop-to-dr -Wait'
            After = { "$((Get-OmsTask shop-to-dr).CutOver.Status)" | Should -Be 'Completed'; "$((Get-OmsTask shop-to-dr).Status)" | Should -Be 'Stopped' } }
        'Switch-OmsTask#3' = @{ Before = '$null = Start-OmsForward shop-sync -Wait'; After = { Wait-TestTaskPhase shop-sync -Direction Reverse } }
    }
}
AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    foreach ($db in $targetDatabases) { Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``$db``" }
    Invoke-TestSql MariaDbA 'DROP DATABASE IF EXISTS shop'
}

Describe 'Help examples' -Tag Integration {
    It '<Command> example <Index> runs: <Code>' -ForEach $examples {
        $setup = $setups["$Command#$Index"]
        if (-not $setup) { $setup = @{} }
        $stateHome = New-TestHome
        Initialize-Shop
        switch ($setup.World) {
            'Empty' { Initialize-World -NoDataSources }
            'DataSources' { Initialize-World -NoTasks }
            default { Initialize-World }
        }
        $folder = Join-Path $work "$Command-$Index"
        $null = New-Item -ItemType Directory $folder
        Push-Location $folder
        try {
            # The reader's addresses become the suite's servers; the prompt for a password is answered with the test account's.
            $text = $Code.Replace('-Server 10.0.0.5', "-Server $($a.Server) -Port $($a.Port)").Replace('-Server dr.example.com -Port 3307', "-Server $($b.Server) -Port $($b.Port)")
            function Get-Credential([string] $UserName) { New-TestCredential $UserName }
            $ConfirmPreference = 'None'
            $example = [scriptblock]::Create("$($setup.Before)`n$text")
            $streams = & $example 2>&1 3>$null
            $errors = @($streams | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" } | Should -BeNullOrEmpty
            if ($setup.After) { & $setup.After }
        } finally {
            Pop-Location
            Remove-TestHome $stateHome
        }
    }
}

Describe 'Example scripts' -Tag Integration {
    It 'examples/<Name> runs to its end in the bundled pwsh' -ForEach $scripts {
        $stateHome = New-TestHome
        Invoke-TestSql MariaDbA 'DROP DATABASE IF EXISTS shop'
        foreach ($db in $targetDatabases) { Invoke-TestSql MariaDbB "DROP DATABASE IF EXISTS ``$db``" }
        Clear-TestTaskTrace $taskNames
        bash (Join-Path $repo 'scripts/demo-seed.sh') $a.Address | Out-Null
        try {
            $output = & (Join-Path $repo 'bin/pwsh') -NoProfile -NonInteractive -File $Script -Source $a.Address -Target $b.Address 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
            @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
            ($output | Out-String) | Should -Match '== \d+\.'
        } finally {
            Remove-TestHome $stateHome
        }
    }
}
