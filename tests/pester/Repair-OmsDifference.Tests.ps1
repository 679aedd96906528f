BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Repair-OmsDifference' {
    Test-CmdletContract Repair-OmsDifference -Parameters InputObject, Name, Table, Direction, Script, PassThru -Sets ByName, ByObject `
        -Mandatory 'ByName:Name', 'ByObject:InputObject' -ByValue InputObject, Name -ByPropertyName Name -ConfirmImpact High

    Context 'repairing' -Tag Integration {
        BeforeAll { $t = New-TestVerifiedMigration repair }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $t.Database }

        It 'writes the correction SQL with -Script and runs nothing' {
            Invoke-TestSql MariaDbB "DELETE FROM items WHERE id = 3; UPDATE items SET price = 0 WHERE id = 4; INSERT INTO items VALUES (5000, 'x''y', NULL)" -Database $t.TargetDatabase
            $null = Start-OmsVerification $t.Task -Wait -Confirm:$false
            $path = Join-Path $env:OMSSYNC_HOME "fix-$($t.Task).sql"
            $t.Task | Repair-OmsDifference -Script $path -Confirm:$false
            $script = Get-Content $path -Raw
            $script | Should -Match ([regex]::Escape("REPLACE INTO ``$($t.TargetDatabase)``.``items``"))
            $script | Should -Match ([regex]::Escape("DELETE FROM ``$($t.TargetDatabase)``.``items`` WHERE"))
            Get-OmsVerificationResult $t.Task -Detail | Should -HaveCount 3
        }
        It 'repairs nothing with -WhatIf' {
            Get-OmsVerificationResult $t.Task -Detail | Repair-OmsDifference -WhatIf
            Get-OmsVerificationResult $t.Task -Detail | Should -HaveCount 3
        }
        It 'makes the target rows equal to the source''s from the pipeline of -Detail' {
            $repaired = Get-OmsVerificationResult $t.Task -Detail | Repair-OmsDifference -PassThru -Confirm:$false
            $repaired | Should -HaveCount 3
            $repaired.Repaired | Should -Not -Contain $null
            Get-OmsVerificationResult $t.Task -Detail | Should -BeNullOrEmpty
            $again = Start-OmsVerification $t.Task -Wait -Confirm:$false
            ($again | Measure-Object Differences -Sum).Sum | Should -Be 0
            Invoke-TestSql MariaDbB 'SELECT COUNT(*) FROM items' -Database $t.TargetDatabase -Scalar | Should -Be 3000
        }
        It 'reports an unknown task (TaskNotFound)' {
            Repair-OmsDifference no-such-task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        }
    }

    Context 'repairing through PostgreSQL' -Tag Integration {
        It 'writes PostgreSQL''s SQL with -Script, which makes the PostgreSQL target equal when run there' {
            $t = New-TestPostgresMigration repairpg
            try {
                $items = "`"$($t.TargetDatabase)`".`"items`""
                Invoke-TestPgSql ("DELETE FROM $items WHERE id = 3; UPDATE $items SET price = 0, bin = '\xff', at = NULL WHERE id = 4; " +
                    "INSERT INTO $items (id, name) VALUES (5000, 'x''y')")
                $null = Start-OmsVerification $t.Task -Wait -Confirm:$false
                $path = Join-Path $env:OMSSYNC_HOME "fix-$($t.Task).sql"
                Get-OmsVerificationResult $t.Task -Detail | Repair-OmsDifference -Script $path -Confirm:$false
                $script = Get-Content $path -Raw
                $script | Should -Match ([regex]::Escape("INSERT INTO $items"))
                $script | Should -Match ([regex]::Escape("DELETE FROM $items WHERE"))
                Get-OmsVerificationResult $t.Task -Detail | Should -HaveCount 3
                Invoke-TestPgSql $script
                $again = Start-OmsVerification $t.Task -Wait -Confirm:$false
                $again.Differences | Should -Be 0
                Invoke-TestPgSql "SELECT count(*) FROM $items" -Scalar | Should -Be 3000
            } finally { Remove-TestPostgresMigration $t }
        }
        It 'makes MariaDB rows equal to the PostgreSQL source''s from the pipeline of -Detail' {
            $t = New-TestPostgresMigration repairfrompg -FromPostgres
            try {
                Invoke-TestSql MariaDbB "DELETE FROM items WHERE id = 3; UPDATE items SET ok = 1 - ok, doc = '[]' WHERE id = 4; INSERT INTO items (id, name) VALUES (5000, 'stray')" -Database $t.TargetDatabase
                $null = Start-OmsVerification $t.Task -Wait -Confirm:$false
                $repaired = Get-OmsVerificationResult $t.Task -Detail | Repair-OmsDifference -PassThru -Confirm:$false
                $repaired | Should -HaveCount 3
                $again = Start-OmsVerification $t.Task -Wait -Confirm:$false
                $again.Differences | Should -Be 0
            } finally { Remove-TestPostgresMigration $t }
        }
    }
}
