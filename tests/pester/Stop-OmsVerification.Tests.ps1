BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Stop-OmsVerification' {
    Test-CmdletContract Stop-OmsVerification -Parameters Name, PassThru -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact Low

    Context 'an incremental verification' -Tag Integration {
        BeforeAll { $t = New-TestVerifiedMigration stopver }
        AfterAll { Get-Job | Where-Object PSJobTypeName -eq OmsWorkerJob | Remove-Job -Force; Remove-TestTask $t; Remove-TestDatabase $t.Database }

        It 'runs until stopped, reporting the changed rows it finds; stopping keeps its results' {
            $job = Start-OmsVerification $t.Task -Mode Incremental -Include '*.items' -Confirm:$false
            Wait-TestCondition -What 'the incremental run to start' -Condition { "$((Get-OmsVerificationResult $t.Task -Table '*.items').Mode)" -eq 'Incremental' }
            Start-Sleep -Seconds 2 # its binlog reader is positioned
            Invoke-TestSql MariaDbA 'UPDATE items SET price = 99 WHERE id = 7' -Database $t.Database
            Wait-TestCondition -What 'the changed row to be reported' -Condition { @(Get-OmsVerificationResult $t.Task -Detail).Count -eq 1 }
            "$($job.JobStateInfo.State)" | Should -Be 'Running'
            Stop-OmsVerification $t.Task -WhatIf
            "$($job.JobStateInfo.State)" | Should -Be 'Running'
            $items = Stop-OmsVerification $t.Task -PassThru -Confirm:$false
            $items.Status | Should -Be 'Stopped'
            "$($items.Mode)" | Should -Be 'Incremental'
            $items.Different | Should -Be 1
            Wait-TestCondition -Seconds 15 -What 'the job to stop' -Condition { "$($job.JobStateInfo.State)" -eq 'Stopped' }
        }
        It 'warns when no verification runs' {
            Stop-OmsVerification $t.Task -Confirm:$false -WarningVariable w -WarningAction SilentlyContinue
            $w | Should -HaveCount 1
        }
        It 'reports an unknown task (TaskNotFound)' {
            Stop-OmsVerification no-such-task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        }
    }

    Context 'an incremental verification of a PostgreSQL source' -Tag Integration {
        BeforeAll { $t = New-TestPostgresMigration stopfrompg -FromPostgres }
        AfterAll { Get-Job | Where-Object PSJobTypeName -eq OmsWorkerJob | Remove-Job -Force; Remove-TestPostgresMigration $t }

        It 'follows the changes through a replication slot of its own, which goes when it is stopped' {
            $stem = 'oms_' + ($t.Task.ToLowerInvariant() -replace '[^a-z0-9]', '_')
            $slots = "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '$stem%'"
            $job = Start-OmsVerification $t.Task -Mode Incremental -Confirm:$false
            Wait-TestCondition -What 'the verification''s slot' -Condition { (Invoke-TestPgSql $slots -Scalar) -eq 1 }
            Invoke-TestPgSql "UPDATE `"$($t.Database)`".items SET price = 99 WHERE id = 7"
            Wait-TestCondition -What 'the changed row to be reported' -Condition { @(Get-OmsVerificationResult $t.Task -Detail).Count -eq 1 }
            $items = Stop-OmsVerification $t.Task -PassThru -Confirm:$false
            $items.Status | Should -Be 'Stopped'
            $items.Different | Should -Be 1
            Wait-TestCondition -Seconds 15 -What 'the job to stop' -Condition { "$($job.JobStateInfo.State)" -eq 'Stopped' }
            Invoke-TestPgSql $slots -Scalar | Should -Be 0
            Invoke-TestPgSql "SELECT count(*) FROM pg_publication WHERE pubname LIKE '$stem%'" -Scalar | Should -Be 0
        }
    }
}
